/**
 * The worker side of the SQLite store: one connection per worker on the run's database file, and
 * the session primitives on its table, on either driver (drivers/driver.ts). Both are
 * synchronous; a statement that finds the write lock taken is retried here, with the worker's
 * event loop free, until SQLite's busy timeout as Django configures it, so that explore can see
 * the wait (lock-waits.ts). The harness loads each driver's module by URL (index.ts), whose
 * default export is this store on that driver.
 */
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Isolation, OpenStore, SessionRow, StoreConnection, StoreOptions, StoreTarget } from '../../harness/contract/store.ts';
import { traced } from '../shared/traced-statement.ts';
import type { SqliteDriver, SqliteStatement } from './drivers/driver.ts';
import { storeError } from './errors.ts';
import { ownConnection } from './intercept.ts';
import { markWaiting } from './lock-waits.ts';
import { openRunConnection } from './run-connection.ts';
import { BUSY_TIMEOUT_MS, readSql, SESSION_SQL } from './session-table.ts';
import { runStatement, type StatementResult } from './statement.ts';

/**
 * BEGIN for each level a scenario may ask for. Every SQLite transaction is serializable, so
 * `serializable` is a deferred transaction; the weaker SQL levels do not exist here and are refused.
 */
function beginSql(isolation: Isolation): string {
  if (isolation === 'immediate') return 'BEGIN IMMEDIATE';
  if (isolation === 'deferred' || isolation === 'serializable') return 'BEGIN DEFERRED';
  throw new RangeError(`SQLite has no ${isolation} isolation: its transactions are serializable; ask for serializable, deferred or immediate`);
}

/** The wait between tries for the write lock: short at first, as SQLite's own busy handler. */
const backoffMs = (attempt: number) => Math.min(1 + attempt, 10);

/** The store's opener on `driver`: what each driver's module (drivers/*-store.ts) default-exports. */
export const sessionStoreOn = (driver: SqliteDriver): OpenStore => async (target: StoreTarget, options: StoreOptions = {}): Promise<StoreConnection> => {
  const file = target.url;
  // No busy timeout of SQLite's own: the store waits itself, where explore can see it.
  const connection = openRunConnection(driver, file, { mustExist: true, busyTimeoutMs: 0 }, ownConnection);
  // Only plain SQLITE_BUSY passes with waiting; SQLITE_BUSY_SNAPSHOT never does (errors.ts).
  const isBusy = (error: unknown) => driver.resultCode(error) === 'SQLITE_BUSY';
  // A connection's id for explore: SQLite has none, and the run's connections are few.
  const backendPid = randomInt(1, 2 ** 31);
  const statements = new Map<string, SqliteStatement>();
  const { onStatement } = options;

  const execute = (text: string, values: readonly unknown[]): StatementResult => {
    let statement = statements.get(text);
    if (statement === undefined) {
      statement = connection.prepare(text);
      statements.set(text, statement);
    }
    return runStatement(statement, values);
  };
  const send = async (text: string, values: readonly unknown[]): Promise<StatementResult> => {
    try {
      return execute(text, values);
    } catch (error) {
      if (!isBusy(error)) throw storeError(error);
    }
    return retryWhileLocked(text, values);
  };
  /** The database was locked: tries again until the busy timeout, marked waiting for explore meanwhile. */
  const retryWhileLocked = async (text: string, values: readonly unknown[]): Promise<StatementResult> => {
    const deadline = Date.now() + BUSY_TIMEOUT_MS;
    const done = markWaiting(file, backendPid);
    try {
      for (let attempt = 0; ; attempt++) {
        await sleep(backoffMs(attempt));
        try {
          return execute(text, values);
        } catch (error) {
          if (!isBusy(error) || Date.now() >= deadline) throw storeError(error);
        }
      }
    } finally {
      done();
    }
  };
  const run = (primitive: string, text: string, values: readonly unknown[] = []) =>
    onStatement === undefined ? send(text, values) : traced(onStatement, primitive, text, values, send(text, values), (result) => result.rowCount);

  const lacking = (what: string) => new Error(`SQLite has no ${what}: a scenario that uses it must declare it in needs, and is then skipped on SQLite`);

  return {
    async exists(key: string) {
      return (await run('exists', SESSION_SQL.exists, [key])).rowCount !== 0;
    },
    async existsForUpdate() {
      throw lacking('SELECT … FOR UPDATE (row-locks)');
    },
    async insert(row: SessionRow) {
      await run('insert', SESSION_SQL.insert, [row.key, row.data, row.expireDate]);
    },
    async insertIfAbsent(row: SessionRow) {
      return (await run('insertIfAbsent', SESSION_SQL.insertIfAbsent, [row.key, row.data, row.expireDate])).rowCount === 1;
    },
    async update(row: SessionRow) {
      return (await run('update', SESSION_SQL.update, [row.data, row.expireDate, row.key])).rowCount;
    },
    async lockKey() {
      throw lacking('advisory locks (advisory-locks)');
    },
    async begin(isolation: Isolation) {
      await run('begin', beginSql(isolation));
    },
    async commit() {
      await run('commit', 'COMMIT');
    },
    async rollback() {
      // A statement that failed may have ended the transaction already (SQLite rolls back on some errors).
      if (connection.inTransaction) await run('rollback', 'ROLLBACK');
    },
    get inTransaction() {
      return connection.inTransaction;
    },
    backendPid,
    async read(keys: readonly string[]) {
      if (keys.length === 0) return new Map();
      const { rows } = await run('read', readSql(keys.length), [...keys]);
      return new Map(rows.map((row) => [String(row['session_key']), String(row['session_data'])]));
    },
    async deleteOwned(row: SessionRow) {
      return (await run('deleteOwned', SESSION_SQL.deleteOwned, [row.key, row.data])).rowCount === 1;
    },
    db: {
      async query<Row>(text: string, values?: readonly unknown[]) {
        const result = await run('query', text, values ?? []);
        return { rows: result.rows as Row[], rowCount: result.rowCount };
      },
    },
    step: (_name, fn) => fn(),
    close: async () => {
      connection.close();
    },
  };
};
