import type { ErrorRecord, Outcome } from './types.ts';

/** SQLSTATEs that name a race's outcome (PostgreSQL Appendix A). */
const OUTCOME_BY_SQLSTATE: Readonly<Record<string, Outcome>> = {
  '23505': 'integrity_error', // unique_violation
  '40001': 'serialization_failure',
  '40P01': 'deadlock',
};

/**
 * Errors after which the statement may or may not have committed: the connection went away
 * under it (class 08, the admin shutdown family 57P0x, or a socket error from Node).
 */
function connectionWasLost(code: string | undefined, message: string): boolean {
  if (code === undefined) return /connection terminated|connection lost|not queryable/i.test(message);
  return (
    code.startsWith('08') ||
    code === '57P01' ||
    code === '57P02' ||
    code === '57P03' ||
    code === 'ECONNRESET' ||
    code === 'ECONNREFUSED' ||
    code === 'EPIPE'
  );
}

/** Maps an error a scenario let through to an outcome, by SQLSTATE first. */
export function classifyError(error: ErrorRecord): Outcome {
  if (error.code !== undefined) {
    const outcome = OUTCOME_BY_SQLSTATE[error.code];
    if (outcome !== undefined) return outcome;
  }
  return connectionWasLost(error.code, error.message) ? 'indeterminate' : 'error';
}

/** True for PostgreSQL's unique violation, the error Django turns into IntegrityError. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}
