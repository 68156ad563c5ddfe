import { OUTCOMES, type ClassifiedError, type Outcome } from './contract/outcomes.ts';

/**
 * Node's own socket errors: the connection went away under a statement, which may or may not
 * have committed. The database's own codes for the same are each store's to classify.
 */
const LOST_CONNECTION_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);

/**
 * Marks an error a store is about to throw with the outcome the database's code means, so that
 * the harness and scenarios can tell a collision from a bug without knowing the database, and,
 * where the driver's error keeps that code in a shape of its own, with the code by name
 * (`ClassifiedError.databaseCode`). Returns the same error.
 */
export function classified<E>(error: E, outcome: Outcome | undefined, databaseCode?: string): E {
  if (typeof error !== 'object' || error === null) return error;
  if (outcome !== undefined) (error as ClassifiedError).outcome = outcome;
  if (databaseCode !== undefined && (error as { code?: unknown }).code !== databaseCode) (error as ClassifiedError).databaseCode = databaseCode;
  return error;
}

/**
 * Where ORMs keep the driver's error they wrapped: the standard `cause` (Drizzle, Prisma's adapter),
 * Sequelize's `parent` and `original`, TypeORM's `driverError`.
 */
const WRAPPED = ['cause', 'parent', 'original', 'driverError'] as const;

/**
 * The database's own error a store classified: `error` itself, or the driver's error an ORM
 * wrapped in it, found through `cause`, `parent`, `original` or `driverError`. Undefined when
 * neither is one a store classified.
 */
export function databaseErrorOf(error: unknown): object | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    if (ownOutcome(current) !== undefined) return current;
    const inner = WRAPPED.map((field) => (current as Record<string, unknown>)[field]).find((value) => typeof value === 'object' && value !== null);
    current = inner;
  }
  return undefined;
}

function ownOutcome(error: object): Outcome | undefined {
  const outcome = (error as ClassifiedError).outcome;
  return typeof outcome === 'string' && (OUTCOMES as readonly string[]).includes(outcome) ? outcome : undefined;
}

/** The outcome a store gave a thrown error, or the database error an ORM wrapped in it, if it gave one. */
export function outcomeOf(error: unknown): Outcome | undefined {
  const database = databaseErrorOf(error);
  return database === undefined ? undefined : ownOutcome(database);
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
 * as the store classified it; also for an ORM's error that wraps the driver's (Sequelize's
 * UniqueConstraintError, TypeORM's QueryFailedError, Drizzle's DrizzleQueryError). Not for Prisma's
 * P2002, which keeps nothing of the driver's error: racelab's outcomes still count it (run-op.ts),
 * and Prisma's own `code === 'P2002'` tells it in application code.
 */
export function isUniqueViolation(error: unknown): boolean {
  return outcomeOf(error) === 'integrity_error';
}
