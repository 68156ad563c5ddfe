/**
 * The URL of a module beside `base` (an `import.meta.url`), by its name without extension. racelab
 * runs as compiled JavaScript from the package (`.js`), and from its TypeScript sources in its own
 * tests (`.ts`): the modules it hands to worker threads by URL must be the same kind as the one
 * asking.
 */
export function moduleBeside(relative: string, base: string): string {
  return new URL(`${relative}${base.endsWith('.ts') ? '.ts' : '.js'}`, base).href;
}
