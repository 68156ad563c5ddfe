/**
 * How explore mode sees that a step waits for SQLite's write lock. SQLite keeps no list of its
 * waiters: a connection that finds the database locked is told SQLITE_BUSY at once (the store
 * opens it with no busy timeout of SQLite's own) and tries again itself until its timeout. While
 * it does, the store keeps a marker file beside the database, named by the connection's id; the
 * main thread's `blockedBackends` reads them. A run's file is its own, so whoever holds the write
 * lock is one of its participants.
 */
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const MARKER = '.waiting-';

function markerOf(file: string, connection: number): string {
  return `${file}${MARKER}${connection}`;
}

/** Marks a connection waiting until the returned function is called. */
export function markWaiting(file: string, connection: number): () => void {
  const marker = markerOf(file, connection);
  writeFileSync(marker, '');
  return () => rmSync(marker, { force: true });
}

/** The connections among `connections` now waiting for a lock on `file`. */
export function waitingConnections(file: string, connections: readonly number[]): Set<number> {
  const prefix = `${basename(file)}${MARKER}`;
  const waiting = new Set<number>();
  for (const name of readdirSync(dirname(file))) {
    if (!name.startsWith(prefix)) continue;
    const connection = Number(name.slice(prefix.length));
    if (connections.includes(connection)) waiting.add(connection);
  }
  return waiting;
}

/** The files of a run's database: the file, its WAL and shared-memory files, and any markers left. */
export function removeDatabaseFiles(file: string): void {
  const prefix = basename(file);
  for (const name of readdirSync(dirname(file))) {
    if (name === prefix || name === `${prefix}-wal` || name === `${prefix}-shm` || name === `${prefix}-journal` || name.startsWith(`${prefix}${MARKER}`)) {
      rmSync(join(dirname(file), name), { force: true });
    }
  }
}
