/**
 * How an op ends: the outcomes, divided into loud and silent violations, capacity and harness
 * failures, and what a scenario is expected to show.
 */

/** How one op ended. The first eight come from the op itself, the last three from an audit. */
export type Outcome =
  | 'ok'
  | 'integrity_error'
  | 'serialization_failure'
  | 'deadlock'
  /** The database gave up waiting for a lock (PostgreSQL 55P03, MySQL/MariaDB 1205, SQLite SQLITE_BUSY: "database is locked"). */
  | 'lock_timeout'
  | 'key_space_exhausted'
  | 'indeterminate'
  | 'error'
  | 'overwritten'
  | 'lost'
  /** Counted by a scenario's own audit hook: e.g. two users with one email, though every op was told ok. */
  | 'invariant_violated';

/** Violations the op's caller saw: the race surfaced as an error from the database. */
export const LOUD_VIOLATIONS = ['integrity_error', 'serialization_failure', 'deadlock', 'lock_timeout'] as const satisfies readonly Outcome[];

/**
 * Violations no caller saw: the op was told `ok`, and the audit found its session later holding
 * another op's data (`overwritten`) or gone without its owner deleting it (`lost`).
 */
export const SILENT_VIOLATIONS = ['overwritten', 'lost', 'invariant_violated'] as const satisfies readonly Outcome[];

/** Every outcome that violates the property. */
export const VIOLATIONS = [...LOUD_VIOLATIONS, ...SILENT_VIOLATIONS] as const satisfies readonly Outcome[];

/**
 * `key_space_exhausted` is neither a race nor a harness failure: the key space was too small for
 * the load (or a schedule kept the key's holder from finishing). It is counted and shown, but it
 * is no evidence either way, so it does not decide a verdict.
 */
export const CAPACITY = ['key_space_exhausted'] as const satisfies readonly Outcome[];

/**
 * Outcomes that say nothing about the race: the harness, the scenario or the database failed.
 * A run with any of them has no trustworthy verdict.
 */
export const HARNESS_FAILURES = ['indeterminate', 'error'] as const satisfies readonly Outcome[];

export const OUTCOMES = ['ok', ...VIOLATIONS, ...CAPACITY, ...HARNESS_FAILURES] as const satisfies readonly Outcome[];

export type OutcomeCounts = Record<Outcome, number>;

/** What a scenario declares it should show: `unsafe` ones are expected to reproduce the race. */
export type Expectation = 'safe' | 'unsafe';

/**
 * What a store tells the harness about an error it throws: the racelab outcome the database's own
 * code means. Stores classify by code, never by message text, and set it on every database error
 * that passes through them (`harness/classify.ts`, `classified`).
 */
export interface ClassifiedError {
  outcome?: Outcome;
  /**
   * The database's own code by name, where the driver's error keeps it in a shape of its own
   * (node:sqlite: `code` ERR_SQLITE_ERROR, `errcode` 1555 for SQLITE_CONSTRAINT_PRIMARYKEY): what
   * evidence shows as the error's code, in place of the driver's.
   */
  databaseCode?: string;
}
