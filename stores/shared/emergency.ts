/**
 * What must go even when racelab exits at once (a second Ctrl-C): the servers it started and
 * their files. Each cleanup is synchronous, since nothing asynchronous runs after process.exit.
 * What cannot go synchronously is registered as a leftover, for the exit to name.
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

const leftovers = new Set<string>();

/**
 * Registers something an exit at once would leave behind and cannot remove synchronously (a
 * schema on the user's server), so the exit can name it; returns the function that unregisters it.
 */
export function registerLeftover(description: string): () => void {
  leftovers.add(description);
  return () => leftovers.delete(description);
}

/** What an exit at once leaves behind, as registered. */
export function registeredLeftovers(): string[] {
  return [...leftovers];
}
