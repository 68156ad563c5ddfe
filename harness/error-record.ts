import { databaseErrorOf } from './classify.ts';
import type { ClassifiedError } from './contract/outcomes.ts';
import type { ErrorRecord } from './contract/results.ts';

const DATABASE_FIELDS = ['code', 'sqlState', 'severity', 'detail', 'hint', 'constraint', 'table', 'schema'] as const;

/**
 * Copies what matters of any thrown value into plain data that survives `postMessage`.
 * A database error keeps the server's fields verbatim; anything else keeps its stack, since it
 * is a bug to be shown rather than a race to be counted.
 */
export function toErrorRecord(thrown: unknown): ErrorRecord {
  if (typeof thrown !== 'object' || thrown === null) return { message: String(thrown) };
  // An ORM's error around the database's: the database's words are the evidence, the ORM's name says how it reached the op.
  const database = databaseErrorOf(thrown);
  if (database !== undefined && database !== thrown) {
    return { ...toErrorRecord(database), raisedAs: raisedAs(thrown) };
  }
  const source = thrown as Record<string, unknown>;
  const record: ErrorRecord = {
    message: typeof source['message'] === 'string' ? source['message'] : String(thrown),
  };
  for (const field of DATABASE_FIELDS) {
    const value = source[field];
    if (typeof value === 'string' && value !== '') record[field] = value;
  }
  // mysql2's own errors name the server's error number `errno` and keep a name (ER_DUP_ENTRY) as their code.
  const code = databaseCode(thrown);
  if (code !== undefined) record.code = code;
  // A server's error (PostgreSQL's severity, MySQL's SQLSTATE) is the database's words; its stack is the driver's, noise.
  const isDatabaseError = record.severity !== undefined || record.sqlState !== undefined;
  if (!isDatabaseError && typeof source['stack'] === 'string') record.stack = source['stack'];
  return record;
}

/**
 * The database's own code of an error: a SQLSTATE (PostgreSQL), the server's error number
 * (MySQL/MariaDB: mysql2 keeps it as `errno` beside a name such as ER_DUP_ENTRY), or a result
 * code (SQLite), as the store named it where the driver keeps it otherwise (node:sqlite).
 */
export function databaseCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, errno, sqlState, databaseCode: named } = error as { code?: unknown; errno?: unknown; sqlState?: unknown } & ClassifiedError;
  if (typeof named === 'string' && named !== '') return named;
  if (typeof errno === 'number' && typeof sqlState === 'string') return String(errno);
  return typeof code === 'string' && code !== '' ? code : undefined;
}

/** The longest `raisedAs` kept. */
const RAISED_AS_CHARS = 240;

/**
 * An ORM's error in one line, as `ErrorRecord.raisedAs` names it: its name and its words, whose
 * lines are joined (Prisma's say what failed on the last of them).
 */
export function raisedAs(thrown: unknown): string {
  const { name, message } = (thrown ?? {}) as { name?: unknown; message?: unknown };
  const words = (typeof message === 'string' ? message : String(thrown)).split('\n').map((line) => line.trim()).filter((line) => line !== '').join(' ');
  const line = `${typeof name === 'string' ? name : 'Error'}: ${words}`;
  return line.length > RAISED_AS_CHARS ? `${line.slice(0, RAISED_AS_CHARS)}…` : line;
}
