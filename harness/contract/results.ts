/**
 * What a run reports of its ops: errors as the database gave them, samples of ops, the audit's
 * findings, and the timeline of statements around an op.
 */
import type { Outcome } from './outcomes.ts';

/**
 * An error as plain data. Errors cross the worker-thread boundary this way because
 * `postMessage` drops the fields of an `Error`; the database's own words are kept verbatim.
 */
export interface ErrorRecord {
  /**
   * The database's own code: a SQLSTATE from PostgreSQL, an error number from MySQL/MariaDB
   * (`1062`), an extended result code from SQLite (`SQLITE_CONSTRAINT_PRIMARYKEY`); or a driver's
   * or Node's code such as `ECONNRESET`.
   */
  code?: string;
  /** The SQLSTATE, where the code is an error number (MySQL/MariaDB: 1062 is SQLSTATE 23000). */
  sqlState?: string;
  message: string;
  severity?: string;
  detail?: string;
  hint?: string;
  constraint?: string;
  table?: string;
  schema?: string;
  /** Stack of a non-database error: a bug in a scenario or the harness. */
  stack?: string;
  /** When an ORM wrapped the database's error: its error's name and first line (`SequelizeUniqueConstraintError: Validation error`). */
  raisedAs?: string;
  /** A command scenario's op: its program's own account of the failure as it reported it (a Python traceback, say). */
  traceback?: string;
}

/** What the audit found in place of an op's session. */
export interface AuditFinding {
  /** The data the op wrote: it names the op. */
  wrote: string;
  /** The data the row holds now, naming the op that overwrote it; null when the row is gone. */
  found: string | null;
}

/** One op that did not end `ok`, kept as evidence. */
export interface OpSample {
  outcome: Outcome;
  scenario: string;
  /** The worker's number, counted from 1 as every label racelab prints (`w1`). */
  worker: number;
  /** The op's number within its worker, counted from 1 (`op1`). */
  op: number;
  /** The session key the op was saving when it ended, if it had drawn one. */
  key?: string;
  /** The scenario's own value for `key` (its `keyValue`: `user-000g@example.com`), when it declares one. */
  keyValue?: string;
  /** Milliseconds since the workers were released from the start barrier; for audit outcomes, when the audit saw it. */
  atMs: number;
  error: ErrorRecord;
  /** For `overwritten` and `lost`: what the audit found. */
  audit?: AuditFinding;
  /** The race around this op: its steps and the other workers' steps on its key, when recorded. */
  timeline?: TimelineEntry[];
}

/**
 * One statement of a timeline. Start and end are on the process's one monotonic clock, in
 * milliseconds from the timeline's first start, so statements of different workers compare.
 */
export interface TimelineEntry {
  /** When the client sent it. */
  atMs: number;
  /** When its result (or error) came back. */
  endMs: number;
  worker: number;
  op: number;
  step: string;
  key?: string;
  /** The scenario's own value for `key` (its `keyValue`: `user-000g@example.com`), when it declares one. */
  keyValue?: string;
  /**
   * What it returned, briefly, in racelab's words (`false`, `conflict`, `1 row: count=0`), or the
   * error it raised with its code.
   */
  result: string;
  /**
   * `failed`: the statement that raised the op's error; `won`: the other op's write it lost to, the
   * latest kept write of the key that began before the failed one ended (timeline-marks.ts).
   */
  role?: 'failed' | 'won';
  /**
   * The other op's statement this one most likely waited for the lock of (`w2 op5 insert`, or
   * `w2 op5 commit` when the commit that let it go began first). It began before this one, ended
   * before it, and its lock was let go within a hand-over of this one's end (timeline-marks.ts).
   */
  waitedFor?: string;
}
