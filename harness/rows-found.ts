/**
 * What a statement or a named step found, in racelab's words, for the timelines: a read says what
 * it read (`1 row: count=0`), not only how many rows came back, since a `count(*)` always returns
 * one. Kept short: a few columns of the first row, each value cut.
 */

/** Columns of a row shown; the rest are left out with `…`. */
const COLUMNS = 3;
/** Characters of a value shown. */
const VALUE_CHARS = 24;

/**
 * `0 rows`, `1 row: count=0`, `3 rows, the first: id=4, email=user-000g@example.com`: `count` rows
 * returned or changed, and the first a read returned (undefined for none, as a write without
 * RETURNING returns).
 */
export function rowsText(count: number, first?: unknown): string {
  const counted = `${count} row${count === 1 ? '' : 's'}`;
  if (first === undefined) return counted;
  return `${counted}${count === 1 ? ':' : ', the first:'} ${rowText(first)}`;
}

/**
 * What a named step's function returned: a query result's rows, an array of rows, a number or a
 * flag as it is, a row object as a row; `ok` for nothing (a step that only wrote).
 */
export function returnedText(value: unknown): string {
  if (value === undefined) return 'ok';
  if (value === null || typeof value !== 'object') return cut(String(value));
  if (Array.isArray(value)) return rowsText(value.length, value[0]);
  const { rowCount, rows } = value as { rowCount?: unknown; rows?: unknown };
  if (typeof rowCount === 'number') return rowsText(rowCount, Array.isArray(rows) ? rows[0] : undefined);
  return `row: ${rowText(value)}`;
}

/** `count=0`, or the value itself for a row that is no object (a driver's array mode). */
function rowText(row: unknown): string {
  if (row === null || typeof row !== 'object' || Array.isArray(row) || row instanceof Date) return valueText(row);
  const columns = Object.entries(row as Record<string, unknown>);
  if (columns.length === 0) return '{}';
  const shown = columns.slice(0, COLUMNS).map(([name, value]) => `${name}=${valueText(value)}`);
  return `${shown.join(', ')}${columns.length > COLUMNS ? ', …' : ''}`;
}

function valueText(value: unknown): string {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  if (value !== null && typeof value === 'object') {
    try {
      return cut(JSON.stringify(value) ?? String(value));
    } catch {
      return cut(String(value));
    }
  }
  return cut(String(value));
}

function cut(text: string): string {
  return text.length > VALUE_CHARS ? `${text.slice(0, VALUE_CHARS - 1)}…` : text;
}
