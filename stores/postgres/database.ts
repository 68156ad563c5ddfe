import pg from 'pg';
import { ISOLATIONS, type Database, type StoreTarget } from '../../harness/contract/store.ts';
import { OpenNamespaces } from '../shared/open-namespaces.ts';
import { SESSION_STORE } from './index.ts';
import { redactUrl } from '../shared/redact-url.ts';
import { createSchemaSql, dropSchemaSql, emptyTablesSql, listTablesSql, quoteSchema, RUN_LOCK_SQL } from './session-table.ts';
import { runNamespaceName } from '../shared/run-namespace.ts';
import { postgresRunDatabase } from './run-database.ts';
import { openWireProxy } from './proxy/wire-proxy.ts';

/** Something started for the run that must be stopped and removed afterwards. */
export interface StartedInstance {
  url: string;
  /** How a local server's data directory was made: copied from racelab's template, or initialised afresh. */
  dataFrom?: 'template' | 'initialised';
  stop(): Promise<void>;
}

/**
 * A `Database` over a reachable server: an admin connection that creates and drops the runs'
 * schemas, and, for an instance racelab started, that instance's shutdown.
 * Schemas it created and did not drop yet are dropped by `stop()`, so an error between the two
 * leaves nothing behind.
 */
export async function connectDatabase(
  kind: Database['kind'],
  url: string,
  instance?: StartedInstance,
): Promise<Database> {
  const admin = new pg.Client({ connectionString: url, application_name: 'racelab-admin' });
  admin.on('error', () => undefined);
  try {
    await admin.connect();
  } catch (error) {
    await admin.end().catch(() => undefined);
    await instance?.stop();
    throw error;
  }
  const version = (await admin.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
  const openSchemas = new OpenNamespaces('schema', instance ? undefined : redactUrl(url));
  let stopped = false;
  /** Each run schema's emptying statement, from the tables it had when last looked up. */
  const emptying = new Map<string, string>();

  const drop = async (schema: string) => {
    // A worker stuck in a statement (a hung op, a lock wait) would hold a lock on the table and
    // block the DROP: end the run's own connections first, found by their application_name.
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()', [schema]);
    await admin.query(dropSchemaSql(schema));
    await admin.query(RUN_LOCK_SQL.unlock, [schema]);
    openSchemas.dropped(schema);
    emptying.delete(schema);
  };

  return {
    kind,
    product: 'PostgreSQL',
    family: 'postgresql',
    version,
    storeModule: SESSION_STORE,
    defaultIsolation: 'read-committed',
    isolations: ISOLATIONS,
    lacks: {},
    async createRunSchema(runId: string): Promise<StoreTarget> {
      const schema = runNamespaceName(runId);
      openSchemas.opened(schema);
      // Held before the schema exists, so `racelab clean` never takes a schema being made for an orphan.
      await admin.query(RUN_LOCK_SQL.lock, [schema]);
      await admin.query(createSchemaSql(schema));
      return { url, schema, database: postgresRunDatabase(url, schema) };
    },
    dropRunSchema: (target) => drop(target.schema),
    async emptyRunTables(target, sameTables) {
      let sql = sameTables ? emptying.get(target.schema) : undefined;
      if (sql === undefined) {
        const { rows } = await admin.query<{ name: string }>(listTablesSql(target.schema));
        sql = emptyTablesSql(target.schema, rows.map((row) => row.name));
        emptying.set(target.schema, sql);
      }
      // No table (a scenario that dropped its own): nothing to send.
      if (sql !== '') await admin.query(sql);
    },
    async runClient(target) {
      const client = new pg.Client({ connectionString: url, application_name: target.schema });
      client.on('error', () => undefined);
      await client.connect();
      await client.query(`SET search_path TO ${quoteSchema(target.schema)}`);
      return {
        async query<Row>(text: string, values?: readonly unknown[]) {
          const result = await client.query(text, values ? [...values] : []);
          return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
        },
        close: () => client.end(),
      };
    },
    wireProxy: (target, observer) => openWireProxy(url, target, observer),
    async blockedBackends(pids, holders) {
      const { rows } = await admin.query<{ pid: number }>(
        'SELECT pid FROM unnest($1::int[]) AS pid WHERE pg_blocking_pids(pid) && $2::int[]',
        [pids, holders],
      );
      return new Set(rows.map((row) => row.pid));
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        // A server racelab started goes away whole; on the user's server, leftovers are dropped.
        await openSchemas.dropAll(drop, dropSchemaSql);
      } finally {
        await admin.end().catch(() => undefined);
        await instance?.stop();
      }
    },
  };
}
