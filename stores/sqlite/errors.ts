import { classified } from '../../harness/classify.ts';
import type { Outcome } from '../../harness/contract/outcomes.ts';
import { sqliteResultCode } from './drivers.ts';

/**
 * SQLite's extended result codes that name a race's outcome, as either driver reports them
 * (drivers/). `SQLITE_BUSY` is "database is locked", the error Django users meet on SQLite under
 * concurrent writes: the busy timeout ran out waiting for the write lock. `SQLITE_BUSY_SNAPSHOT`
 * is the refusal of a transaction whose snapshot is stale (it read, another connection then
 * committed a write, and it tried to write too): waiting cannot help it, as with PostgreSQL's 40001.
 */
const OUTCOME_BY_CODE: Readonly<Record<string, Outcome>> = {
  SQLITE_CONSTRAINT_PRIMARYKEY: 'integrity_error',
  SQLITE_CONSTRAINT_UNIQUE: 'integrity_error',
  SQLITE_BUSY_SNAPSHOT: 'serialization_failure',
  SQLITE_BUSY: 'lock_timeout',
  SQLITE_BUSY_RECOVERY: 'lock_timeout',
  SQLITE_BUSY_TIMEOUT: 'lock_timeout',
  SQLITE_LOCKED: 'lock_timeout',
};

/** A SQLite error as racelab keeps it: the extended result code by name and SQLite's own words. */
class SqliteStoreError extends Error {
  override name = 'SqliteStoreError';
  readonly severity = 'ERROR';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The outcome of an error either driver threw, by its result code. */
export function classifySqliteError(error: unknown): Outcome | undefined {
  const code = sqliteResultCode(error);
  return code === undefined ? undefined : OUTCOME_BY_CODE[code];
}

/** What the store throws for an error its driver threw: SQLite's own errors kept as data, classified; others as they were. */
export function storeError(error: unknown): unknown {
  const code = sqliteResultCode(error);
  if (code === undefined) return error;
  return classified(new SqliteStoreError(code, String((error as { message?: unknown }).message)), OUTCOME_BY_CODE[code]);
}
