// The driver floor's thread entry, plain JavaScript: the bench's own tsx hooks do not reach a
// worker thread, so it registers tsx here before loading the TypeScript thread.
const { register } = await import('tsx/esm/api');
register();
await import('./driver-floor-thread.ts');
