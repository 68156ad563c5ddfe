import { OUTCOMES, type ClassifiedError, type Outcome } from './types.ts';

/**
 * Node's own socket errors: the connection went away under a statement, which may or may not
 * have committed. The database's own codes for the same are each store's to classify.
 */
const LOST_CONNECTION_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);

/**
 * Marks an error a store is about to throw with the outcome the database's code means, so that
 * the harness and scenarios can tell a collision from a bug without knowing the database.
 * Returns the same error.
 */
export function classified<E>(error: E, outcome: Outcome | undefined): E {
  if (outcome !== undefined && typeof error === 'object' && error !== null) (error as ClassifiedError).outcome = outcome;
  return error;
}

/** The outcome a store gave a thrown error, if it gave one. */
export function outcomeOf(error: unknown): Outcome | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const outcome = (error as ClassifiedError).outcome;
  return typeof outcome === 'string' && (OUTCOMES as readonly string[]).includes(outcome) ? outcome : undefined;
}

/** Maps an error a scenario let through to an outcome: the store's classification first. */
export function classifyError(error: unknown): Outcome {
  const outcome = outcomeOf(error);
  if (outcome !== undefined) return outcome;
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && LOST_CONNECTION_CODES.has(code) ? 'indeterminate' : 'error';
}

/**
 * True for the database's unique violation, the error Django turns into IntegrityError, on any
 * database: PostgreSQL's 23505, MySQL's 1062, SQLite's SQLITE_CONSTRAINT_PRIMARYKEY or _UNIQUE,
 * as the store classified it.
 */
export function isUniqueViolation(error: unknown): boolean {
  return outcomeOf(error) === 'integrity_error';
}
