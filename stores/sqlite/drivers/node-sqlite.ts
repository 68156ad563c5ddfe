/**
 * The SQLite store on node:sqlite, the SQLite built into Node (usable from 22.16): nothing to
 * install, nothing compiled. Its errors say `ERR_SQLITE_ERROR` and keep SQLite's extended result
 * code as a number (`errcode` 1555), which racelab names as better-sqlite3 does
 * (`SQLITE_CONSTRAINT_PRIMARYKEY`), so that both drivers' errors read and classify alike.
 */
import { existsSync } from 'node:fs';
import type { SqliteConnection, SqliteDriver, SqliteStatement } from './driver.ts';
import { nodeSqliteModule, type NodeSqliteStatement } from './node-sqlite-module.ts';
import { resultCodeName } from './result-codes.ts';

export const nodeSqlite: SqliteDriver = {
  name: 'node:sqlite',
  open(file, { mustExist = false, busyTimeoutMs }) {
    const { DatabaseSync } = nodeSqliteModule();
    // node:sqlite has no option to refuse a missing file: SQLite's own words for the refusal.
    if (mustExist && file !== ':memory:' && !existsSync(file)) throw new Error(`unable to open database file: ${file} does not exist`);
    const db = new DatabaseSync(file);
    // SQLite's own busy timeout, as better-sqlite3's `timeout` option sets it.
    db.exec(`PRAGMA busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
    const connection: SqliteConnection = {
      prepare: (text) => statementOf(db.prepare(text)),
      get inTransaction() {
        return db.isTransaction;
      },
      native: db,
      close: () => db.close(),
    };
    return connection;
  },
  resultCode(error) {
    const { code, errcode } = (error ?? {}) as { code?: unknown; errcode?: unknown };
    return code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number' ? resultCodeName(errcode) : undefined;
  },
};

function statementOf(statement: NodeSqliteStatement): SqliteStatement {
  return {
    reader: statement.columns().length > 0,
    // Its rows have no prototype; a scenario's code gets plain objects, as from better-sqlite3.
    all: (values) => statement.all(...values).map((row) => ({ ...row })),
    run: (values) => ({ changes: Number(statement.run(...values).changes) }),
  };
}
