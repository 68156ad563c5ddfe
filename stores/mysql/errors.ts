import { classified } from '../../harness/classify.ts';
import type { Outcome } from '../../harness/contract/outcomes.ts';

/** Server error numbers that name a race's outcome (MariaDB and MySQL share them). */
const OUTCOME_BY_ERRNO: Readonly<Record<number, Outcome>> = {
  1062: 'integrity_error', // ER_DUP_ENTRY
  1586: 'integrity_error', // ER_DUP_ENTRY_WITH_KEY_NAME
  1213: 'deadlock', // ER_LOCK_DEADLOCK (SQLSTATE 40001)
  1205: 'lock_timeout', // ER_LOCK_WAIT_TIMEOUT
  1020: 'serialization_failure', // ER_CHECKREAD: "Record has changed since last read", MariaDB's innodb_snapshot_isolation
};

/**
 * Errors after which a statement may or may not have committed: the connection went away under it.
 * 2006 and 2013 are the client's "server has gone away" and "lost connection"; 1053 is a server
 * shutting down, 1927 MariaDB's "connection was killed".
 */
const LOST_CONNECTION_ERRNOS = new Set([2006, 2013, 1053, 1927]);

/** mysql2's own codes for a connection that ended, which carry no server error number. */
const LOST_CONNECTION_CODES = new Set(['PROTOCOL_CONNECTION_LOST', 'ECONNRESET', 'EPIPE']);

/** A server error as racelab keeps it: the server's number as the code, its words as the message. */
class MysqlServerError extends Error {
  override name = 'MysqlServerError';
  /** The server's error number, as text: `1062`. */
  readonly code: string;
  readonly sqlState: string;
  readonly severity = 'ERROR';
  constructor(errno: number, sqlState: string, message: string) {
    super(message);
    this.code = String(errno);
    this.sqlState = sqlState;
  }
}

/** The outcome of an error mysql2 threw, by the server's error number or mysql2's code. */
export function classifyMysqlError(error: unknown): Outcome | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { errno, code, fatal } = error as { errno?: unknown; code?: unknown; fatal?: unknown };
  if (typeof errno === 'number') {
    const outcome = OUTCOME_BY_ERRNO[errno];
    if (outcome !== undefined) return outcome;
    if (LOST_CONNECTION_ERRNOS.has(errno)) return 'indeterminate';
  }
  if (typeof code === 'string' && LOST_CONNECTION_CODES.has(code)) return 'indeterminate';
  // mysql2 marks an error that ended the connection fatal, whatever its code.
  return fatal === true ? 'indeterminate' : undefined;
}

/**
 * What the store throws for an error mysql2 threw: a server error as a `MysqlServerError`, a
 * client-side one as it was; either way classified. The server's words stay verbatim.
 */
export function storeError(error: unknown): unknown {
  const outcome = classifyMysqlError(error);
  const source = error as { errno?: unknown; sqlState?: unknown; code?: unknown; sqlMessage?: unknown; message?: unknown };
  // Server errors carry a SQLSTATE; the client's own (lost connection, timeouts) do not.
  if (typeof source?.errno === 'number' && typeof source.sqlState === 'string') {
    const message = typeof source.sqlMessage === 'string' ? source.sqlMessage : String(source.message);
    return classified(new MysqlServerError(source.errno, source.sqlState, message), outcome);
  }
  return classified(error, outcome);
}
