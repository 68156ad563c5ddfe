/**
 * The seam between the SQLite store and the library that reaches SQLite: node:sqlite, built into
 * Node (usable from 22.16: node-sqlite-module.ts), or better-sqlite3, a native module the user
 * installs. The store speaks to the few calls below; each driver's adapter in this folder makes its
 * library speak them, names its errors by SQLite's result codes, and patches it for interception.
 * A driver's library is loaded on first use, never when a module is imported: a machine may have
 * one, the other, or neither.
 */

/** The drivers, as Node and npm name them: node:sqlite first, the one `--db sqlite` prefers. */
export const SQLITE_DRIVERS = ['node:sqlite', 'better-sqlite3'] as const;
export type SqliteDriverName = (typeof SQLITE_DRIVERS)[number];

/** A prepared statement. */
export interface SqliteStatement {
  /** Whether it returns rows: a SELECT, or a write with RETURNING. */
  readonly reader: boolean;
  /** Runs it and returns its rows, as plain objects. */
  all(values: readonly unknown[]): Record<string, unknown>[];
  /** Runs it and returns the rows it changed. */
  run(values: readonly unknown[]): { changes: number };
}

/** One connection to a database file. */
export interface SqliteConnection {
  prepare(text: string): SqliteStatement;
  /** True inside BEGIN … COMMIT/ROLLBACK (SQLite itself may end a transaction on an error). */
  readonly inTransaction: boolean;
  /** The library's own connection object: how interception tells racelab's connections from the scenario's. */
  readonly native: object;
  close(): void;
}

export interface OpenOptions {
  /** Refuse to create the file: a run's connections open the file its namespace made, never a fresh one. */
  mustExist?: boolean;
  /** SQLite's own busy timeout: how long a statement waits for a lock before SQLITE_BUSY. */
  busyTimeoutMs: number;
}

export interface SqliteDriver {
  readonly name: SqliteDriverName;
  /** Opens `file` (or `:memory:`). Throws DriverUnavailable when the library cannot be loaded. */
  open(file: string, options: OpenOptions): SqliteConnection;
  /**
   * SQLite's extended result code of an error this driver's library threw, by name
   * (`SQLITE_CONSTRAINT_PRIMARYKEY`); undefined for an error that is not SQLite's.
   */
  resultCode(error: unknown): string | undefined;
}

/** A driver that cannot be used here: why, and what the user can do about it, each a phrase for a one-line message. */
export class DriverUnavailable extends Error {
  override name = 'DriverUnavailable';
  constructor(
    readonly why: string,
    readonly fix: string,
  ) {
    super(`${why}; ${fix}`);
  }
}

/**
 * What a driver's interception patch calls around each statement a connection runs: `run` between
 * the harness's hooks, unless the connection is racelab's own. `method` names the call (`run`,
 * `all`, `exec`), whose result says how many rows it returned or changed.
 */
export type Observe = <T>(connection: object, text: string, run: () => T, method: string) => T;

/**
 * A driver's library, loaded once per thread at its first use: `load` returns it, or
 * DriverUnavailable saying why it cannot serve, which every later call throws again.
 */
export function loadedOnce<T extends object>(load: () => T | DriverUnavailable): () => T {
  let loaded: T | DriverUnavailable | undefined;
  return () => {
    loaded ??= load();
    if (loaded instanceof DriverUnavailable) throw loaded;
    return loaded;
  };
}
