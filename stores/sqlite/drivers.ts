/**
 * The SQLite drivers racelab has an adapter for (drivers/), by name: which can be used on this
 * machine, and SQLite's result code of an error either threw.
 */
import { betterSqlite3 } from './drivers/better-sqlite3.ts';
import { DriverUnavailable, type SqliteDriver, type SqliteDriverName } from './drivers/driver.ts';
import { nodeSqlite } from './drivers/node-sqlite.ts';

const ADAPTERS: Readonly<Record<SqliteDriverName, SqliteDriver>> = { 'node:sqlite': nodeSqlite, 'better-sqlite3': betterSqlite3 };

export function sqliteDriver(name: SqliteDriverName): SqliteDriver {
  return ADAPTERS[name];
}

/** Whether a driver can be used here: loaded and opening a database in memory, or why not. */
export type DriverProbe = { usable: true } | { usable: false; why: string; fix: string };

export function probeSqliteDriver(name: SqliteDriverName): DriverProbe {
  try {
    sqliteDriver(name).open(':memory:', { busyTimeoutMs: 0 }).close();
    return { usable: true };
  } catch (error) {
    if (error instanceof DriverUnavailable) return { usable: false, why: error.why, fix: error.fix };
    throw error;
  }
}

/** The SQLite result code of an error either driver threw, by name; undefined for one that is not SQLite's. */
export function sqliteResultCode(error: unknown): string | undefined {
  for (const adapter of Object.values(ADAPTERS)) {
    const code = adapter.resultCode(error);
    if (code !== undefined) return code;
  }
  return undefined;
}
