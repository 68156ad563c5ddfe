/**
 * What must go even when racelab exits at once (a second Ctrl-C): the servers it started and
 * their files. Each cleanup is synchronous, since nothing asynchronous runs after process.exit.
 */
const cleanups = new Set<() => void>();

/** Registers a synchronous last-resort cleanup; returns the function that unregisters it. */
export function registerEmergencyCleanup(cleanup: () => void): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/** Runs every registered cleanup, each one's failure ignored so the others still run. */
export function runEmergencyCleanups(): void {
  for (const cleanup of [...cleanups]) {
    try {
      cleanup();
    } catch {
      // Nothing more can be done in the last moments of the process.
    }
  }
  cleanups.clear();
}
