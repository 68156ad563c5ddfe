/**
 * How explore mode sees that a step waits for SQLite's write lock. SQLite keeps no list of its
 * waiters: a connection that finds the database locked is told SQLITE_BUSY at once (the store
 * opens it with no busy timeout of SQLite's own) and tries again itself until its timeout. While
 * it does, the store keeps a marker file beside the database, named by the connection's id; the
 * main thread's `blockedBackends` reads them. A run's file is its own, so whoever holds the write
 * lock is one of its participants.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';

/** What follows a run file's name in its markers' names: `<file>.waiting-<connection>`. */
export const WAIT_MARKER = '.waiting-';

function markerOf(file: string, connection: number): string {
  return `${file}${WAIT_MARKER}${connection}`;
}

/** Marks a connection waiting until the returned function is called. */
export function markWaiting(file: string, connection: number): () => void {
  const marker = markerOf(file, connection);
  writeFileSync(marker, '');
  return () => rmSync(marker, { force: true });
}

/** The connections among `connections` now waiting for a lock on `file`. */
export function waitingConnections(file: string, connections: readonly number[]): Set<number> {
  return new Set(connections.filter((connection) => existsSync(markerOf(file, connection))));
}
