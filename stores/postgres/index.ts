/** The module the workers open their sessions with: handed to the harness by URL. */
export const SESSION_STORE = new URL('./session-store.ts', import.meta.url).href;
