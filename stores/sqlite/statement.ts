import type { SqliteStatement } from './drivers/driver.ts';
import { sqliteDatetime } from './session-table.ts';

export type StatementResult = { rows: Record<string, unknown>[]; rowCount: number };

/**
 * Runs a prepared statement as the store contract wants its result: the rows it returned, or
 * the rows it changed. Dates are bound as Django stores them in SQLite's text column, since
 * neither driver binds a Date (better-sqlite3 refuses one; node:sqlite binds it as NULL).
 */
export function runStatement(statement: SqliteStatement, values: readonly unknown[]): StatementResult {
  const bound = values.map((value) => (value instanceof Date ? sqliteDatetime(value) : value));
  if (statement.reader) {
    const rows = statement.all(bound);
    return { rows, rowCount: rows.length };
  }
  return { rows: [], rowCount: statement.run(bound).changes };
}
