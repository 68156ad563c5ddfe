import type { Outcome } from '../../harness/contract/outcomes.ts';

/** SQLSTATEs that name a race's outcome (PostgreSQL's manual, Appendix A). */
const OUTCOME_BY_SQLSTATE: Readonly<Record<string, Outcome>> = {
  '23505': 'integrity_error', // unique_violation
  '40001': 'serialization_failure',
  '40P01': 'deadlock',
  '55P03': 'lock_timeout', // lock_not_available
};

/**
 * The outcome of an error node-postgres threw, by its SQLSTATE: a race's, `indeterminate` when the
 * connection went away under the statement (class 08, the admin shutdown family 57P0x, or
 * node-postgres's own "Connection terminated", which has no code), else none.
 */
export function classifyPostgresError(error: unknown): Outcome | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    const outcome = OUTCOME_BY_SQLSTATE[code];
    if (outcome !== undefined) return outcome;
    if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03') return 'indeterminate';
    return undefined;
  }
  // node-postgres's client-side errors carry no code: these are its words for a lost connection.
  return typeof message === 'string' && /connection terminated|connection lost|not queryable/i.test(message) ? 'indeterminate' : undefined;
}
