import type Sqlite from 'better-sqlite3';
import { sqliteDatetime } from './session-table.ts';

export type StatementResult = { rows: Record<string, unknown>[]; rowCount: number };

/**
 * Runs a prepared statement as the store contract wants its result: the rows it returned, or
 * the rows it changed. Dates are bound as Django stores them in SQLite's text column, since
 * better-sqlite3 binds no Date.
 */
export function runStatement(statement: Sqlite.Statement, values: readonly unknown[]): StatementResult {
  const bound = values.map((value) => (value instanceof Date ? sqliteDatetime(value) : value));
  if (statement.reader) {
    const rows = statement.all(...bound) as Record<string, unknown>[];
    return { rows, rowCount: rows.length };
  }
  return { rows: [], rowCount: statement.run(...bound).changes };
}
