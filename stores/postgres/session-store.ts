/**
 * The worker side of the PostgreSQL store: one connection per worker, the session primitives on
 * the run's table. The harness loads this module by URL; its default export is an `OpenStore`.
 */
import pg from 'pg';
import { classified } from '../../harness/classify.ts';
import type { Isolation, OpenStore, SessionRow, StoreConnection, StoreOptions, StoreTarget } from '../../harness/contract/store.ts';
import { traced } from '../shared/traced-statement.ts';
import { classifyPostgresError } from './errors.ts';
import { ownConnection } from './intercept.ts';
import { sqlIsolation } from '../shared/sql-isolation.ts';
import { BEGIN, quoteSchema, sessionStatements } from './session-table.ts';

type Statement = { name?: string; text: string };

const openSessionStore: OpenStore = async (target: StoreTarget, options: StoreOptions = {}): Promise<StoreConnection> => {
  // Named after the run's schema: cleanup ends exactly these connections, and nobody else's.
  const client = new pg.Client({ connectionString: target.url, application_name: target.schema });
  // A connection lost while idle is reported here; the next query then fails on its own and
  // its op is classified indeterminate. Without a listener the worker would crash instead.
  client.on('error', () => undefined);
  ownConnection(client);
  await client.connect();
  // A scenario's own statements land in the run's schema, and see nothing of the user's.
  await client.query(`SET search_path TO ${quoteSchema(target.schema)}`);
  const backendPid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  const sql = sessionStatements(target.schema);
  const { onStatement } = options;

  const send = (statement: Statement, values: unknown[]) =>
    new Promise<pg.QueryResult>((resolve, reject) => {
      // A Query made from the text alone spares pg its deep copy of a config object, about a
      // fifth of pg's own time in a worker's profile; the name still makes it a prepared statement.
      const query = new pg.Query(statement.text, values, (error: Error | undefined, result: pg.QueryResult) =>
        error ? reject(classified(error, classifyPostgresError(error))) : resolve(result),
      );
      if (statement.name !== undefined) (query as { name?: string }).name = statement.name;
      client.query(query);
    });
  const run = (primitive: string, statement: Statement, values: unknown[] = []) =>
    onStatement === undefined
      ? send(statement, values)
      : traced(onStatement, primitive, statement.text, values, send(statement, values), (result) => result.rowCount ?? 0);

  let inTransaction = false;
  /** COMMIT and ROLLBACK end the transaction whether they succeed or fail. */
  const end = async (primitive: 'commit' | 'rollback') => {
    try {
      await run(primitive, { text: primitive.toUpperCase() });
    } finally {
      inTransaction = false;
    }
  };

  return {
    async exists(key: string) {
      return (await run('exists', sql.exists, [key])).rowCount !== 0;
    },
    async existsForUpdate(key: string) {
      return (await run('existsForUpdate', sql.existsForUpdate, [key])).rowCount !== 0;
    },
    async insert(row: SessionRow) {
      await run('insert', sql.insert, [row.key, row.data, row.expireDate]);
    },
    async insertIfAbsent(row: SessionRow) {
      return (await run('insertIfAbsent', sql.insertIfAbsent, [row.key, row.data, row.expireDate])).rowCount === 1;
    },
    async update(row: SessionRow) {
      return (await run('update', sql.update, [row.key, row.data, row.expireDate])).rowCount ?? 0;
    },
    async lockKey(key: string) {
      await run('lockKey', sql.lockKey, [key]);
    },
    async begin(isolation: Isolation) {
      await run('begin', { text: BEGIN[sqlIsolation(isolation, 'PostgreSQL')] });
      inTransaction = true;
    },
    commit: () => end('commit'),
    rollback: () => end('rollback'),
    get inTransaction() {
      return inTransaction;
    },
    backendPid,
    async read(keys: readonly string[]) {
      const result = await run('read', sql.read, [keys]);
      return new Map(result.rows.map((row: { session_key: string; session_data: string }) => [row.session_key, row.session_data]));
    },
    async deleteOwned(row: SessionRow) {
      return (await run('deleteOwned', sql.deleteOwned, [row.key, row.data])).rowCount === 1;
    },
    db: {
      async query<Row>(text: string, values?: readonly unknown[]) {
        const result = await run('query', { text }, values ? [...values] : []);
        return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
      },
    },
    step: (_name, fn) => fn(),
    close: () => client.end(),
  };
};

export default openSessionStore;

/** How the harness sees the statements a scenario's own code sends through node-postgres. */
export { postgresDriver as driver } from './intercept.ts';
