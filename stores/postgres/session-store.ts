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

  // Each primitive's answer is made from the driver's result in its callback: no async function
  // around the send, whose extra promise and awaits every statement would pay for.
  const send = <T>(statement: Statement, values: unknown[], answer: (result: pg.QueryResult) => T) =>
    new Promise<T>((resolve, reject) => {
      // A Query made from the text alone spares pg its deep copy of a config object, about a
      // fifth of pg's own time in a worker's profile; the name still makes it a prepared statement.
      const query = new pg.Query(statement.text, values, (error: Error | undefined, result: pg.QueryResult) => {
        if (error) return reject(classified(error, classifyPostgresError(error)));
        // Thrown here, an error would escape into pg's event handler rather than reach the op.
        try {
          resolve(answer(result));
        } catch (thrown) {
          reject(thrown);
        }
      });
      if (statement.name !== undefined) (query as { name?: string }).name = statement.name;
      client.query(query);
    });
  const run = <T>(primitive: string, statement: Statement, values: unknown[], answer: (result: pg.QueryResult) => T): Promise<T> =>
    onStatement === undefined
      ? send(statement, values, answer)
      : traced(onStatement, primitive, statement.text, values, send(statement, values, asItIs), rowCountOf).then(answer);

  let inTransaction = false;
  /** COMMIT and ROLLBACK end the transaction whether they succeed or fail. */
  const end = async (primitive: 'commit' | 'rollback') => {
    try {
      await run(primitive, { text: primitive.toUpperCase() }, [], nothing);
    } finally {
      inTransaction = false;
    }
  };

  return {
    exists: (key: string) => run('exists', sql.exists, [key], someRow),
    existsForUpdate: (key: string) => run('existsForUpdate', sql.existsForUpdate, [key], someRow),
    insert: (row: SessionRow) => run('insert', sql.insert, [row.key, row.data, row.expireDate], nothing),
    insertIfAbsent: (row: SessionRow) => run('insertIfAbsent', sql.insertIfAbsent, [row.key, row.data, row.expireDate], oneRow),
    update: (row: SessionRow) => run('update', sql.update, [row.key, row.data, row.expireDate], rowCountOf),
    lockKey: (key: string) => run('lockKey', sql.lockKey, [key], nothing),
    async begin(isolation: Isolation) {
      await run('begin', { text: BEGIN[sqlIsolation(isolation, 'PostgreSQL')] }, [], nothing);
      inTransaction = true;
    },
    commit: () => end('commit'),
    rollback: () => end('rollback'),
    get inTransaction() {
      return inTransaction;
    },
    backendPid,
    read: (keys: readonly string[]) =>
      run('read', sql.read, [keys], (result) => new Map(result.rows.map((row: { session_key: string; session_data: string }) => [row.session_key, row.session_data]))),
    deleteOwned: (row: SessionRow) => run('deleteOwned', sql.deleteOwned, [row.key, row.data], oneRow),
    db: {
      query: <Row>(text: string, values?: readonly unknown[]) =>
        run('query', { text }, values ? [...values] : [], (result) => ({ rows: result.rows as Row[], rowCount: result.rowCount ?? 0 })),
    },
    step: (_name, fn) => fn(),
    close: () => client.end(),
  };
};

export default openSessionStore;

/** What the primitives answer, made once rather than as a closure per statement. */
const someRow = (result: pg.QueryResult) => result.rowCount !== 0;
const oneRow = (result: pg.QueryResult) => result.rowCount === 1;
const rowCountOf = (result: pg.QueryResult) => result.rowCount ?? 0;
const nothing = (): void => undefined;
const asItIs = (result: pg.QueryResult) => result;

/** How the harness sees the statements a scenario's own code sends through node-postgres. */
export { postgresDriver as driver } from './intercept.ts';
