/**
 * The worker side of the MySQL/MariaDB store: one connection per worker, whose database is the
 * run's, and the session primitives on the run's table. The harness loads this module by URL; its
 * default export is an `OpenStore`.
 */
import mysql from 'mysql2/promise';
import type { Isolation, OpenStore, SessionRow, StoreConnection, StoreOptions, StoreTarget } from '../../harness/contract/store.ts';
import { sqlIsolation } from '../shared/sql-isolation.ts';
import { traced } from '../shared/traced-statement.ts';
import { connectionOptions } from './connection-options.ts';
import { storeError } from './errors.ts';
import { ownConnection } from './intercept.ts';
import { readSql, SESSION_SQL, SET_ISOLATION } from './session-table.ts';

type Result = { rows: Record<string, unknown>[]; rowCount: number; insertId: number };

const openSessionStore: OpenStore = async (target: StoreTarget, options: StoreOptions = {}): Promise<StoreConnection> => {
  const connection = await mysql.createConnection(connectionOptions(target.url, target.schema));
  // A connection lost while idle is reported here; the next statement then fails on its own and
  // its op is classified indeterminate. Without a listener the worker would crash instead.
  connection.on('error', () => undefined);
  ownConnection((connection as unknown as { connection: object }).connection);
  const backendPid = connection.threadId;
  const { onStatement } = options;

  /** `prepared`: sent as a server-side prepared statement, as Django's statements are parameterised. */
  const send = async (text: string, values: unknown[], prepared: boolean): Promise<Result> => {
    try {
      const [result] = prepared ? await connection.execute(text, values as never[]) : await connection.query(text, values);
      if (Array.isArray(result)) return { rows: result as Record<string, unknown>[], rowCount: result.length, insertId: 0 };
      const header = result as mysql.ResultSetHeader;
      return { rows: [], rowCount: header.affectedRows, insertId: header.insertId };
    } catch (error) {
      throw storeError(error);
    }
  };
  const run = (primitive: string, text: string, values: unknown[] = [], prepared = true) =>
    onStatement === undefined
      ? send(text, values, prepared)
      : traced(onStatement, primitive, text, values, send(text, values, prepared), (result) => result.rowCount);

  let inTransaction = false;
  /** GET_LOCK's locks belong to the connection: the store ends them with the transaction, as PostgreSQL's xact locks end. */
  let holdsLocks = false;
  const releaseLocks = async () => {
    if (!holdsLocks) return;
    holdsLocks = false;
    await run('releaseLocks', SESSION_SQL.releaseLocks, [], false);
  };
  /** COMMIT and ROLLBACK end the transaction whether they succeed or fail; the locks go after, on every path. */
  const end = async (primitive: 'commit' | 'rollback') => {
    try {
      await run(primitive, primitive.toUpperCase(), [], false);
    } finally {
      inTransaction = false;
      await releaseLocks();
    }
  };

  return {
    async exists(key: string) {
      return (await run('exists', SESSION_SQL.exists, [key])).rowCount !== 0;
    },
    async existsForUpdate(key: string) {
      return (await run('existsForUpdate', SESSION_SQL.existsForUpdate, [key])).rowCount !== 0;
    },
    async insert(row: SessionRow) {
      await run('insert', SESSION_SQL.insert, [row.key, row.data, row.expireDate]);
    },
    async insertIfAbsent(row: SessionRow) {
      // insertId 1: the duplicate branch ran (see session-table.ts).
      return (await run('insertIfAbsent', SESSION_SQL.insertIfAbsent, [row.key, row.data, row.expireDate])).insertId === 0;
    },
    async update(row: SessionRow) {
      return (await run('update', SESSION_SQL.update, [row.data, row.expireDate, row.key])).rowCount;
    },
    async lockKey(key: string) {
      holdsLocks = true;
      const { rows } = await run('lockKey', SESSION_SQL.lockKey, [key]);
      if (Number(rows[0]?.['locked']) !== 1) throw new Error(`GET_LOCK on key ${key} returned ${String(rows[0]?.['locked'])}, not 1`);
      // Outside a transaction the lock lasts one statement, as pg_advisory_xact_lock's does.
      if (!inTransaction) await releaseLocks();
    },
    async begin(isolation: Isolation) {
      await run('begin', SET_ISOLATION[sqlIsolation(isolation, 'MySQL/MariaDB')], [], false);
      await run('begin', 'START TRANSACTION', [], false);
      inTransaction = true;
    },
    commit: () => end('commit'),
    rollback: () => end('rollback'),
    get inTransaction() {
      return inTransaction;
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
      // A scenario's own SQL may be anything, DDL included: sent as text, values escaped by mysql2.
      async query<Row>(text: string, values?: readonly unknown[]) {
        const result = await run('query', text, values ? [...values] : [], false);
        return { rows: result.rows as Row[], rowCount: result.rowCount };
      },
    },
    step: (_name, fn) => fn(),
    close: async () => {
      await connection.end().catch(() => connection.destroy());
    },
  };
};

export default openSessionStore;

/** How the harness sees the statements a scenario's own code sends through mysql2. */
export { mysqlDriver as driver } from './intercept.ts';
