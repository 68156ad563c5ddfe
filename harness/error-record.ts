import type { ErrorRecord } from './types.ts';

const DATABASE_FIELDS = ['code', 'sqlState', 'severity', 'detail', 'hint', 'constraint', 'table', 'schema'] as const;

/**
 * Copies what matters of any thrown value into plain data that survives `postMessage`.
 * A database error keeps the server's fields verbatim; anything else keeps its stack, since it
 * is a bug to be shown rather than a race to be counted.
 */
export function toErrorRecord(thrown: unknown): ErrorRecord {
  if (typeof thrown !== 'object' || thrown === null) return { message: String(thrown) };
  const source = thrown as Record<string, unknown>;
  const record: ErrorRecord = {
    message: typeof source['message'] === 'string' ? source['message'] : String(thrown),
  };
  for (const field of DATABASE_FIELDS) {
    const value = source[field];
    if (typeof value === 'string' && value !== '') record[field] = value;
  }
  const isDatabaseError = record.severity !== undefined;
  if (!isDatabaseError && typeof source['stack'] === 'string') record.stack = source['stack'];
  return record;
}
