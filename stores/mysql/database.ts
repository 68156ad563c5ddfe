import mysql from 'mysql2/promise';
import { ISOLATIONS, type Database, type QueryClient, type StoreTarget } from '../../harness/contract/store.ts';
import { OpenNamespaces } from '../shared/open-namespaces.ts';
import { redactUrl } from '../shared/redact-url.ts';
import { runNamespaceName } from '../shared/run-namespace.ts';
import { connectionOptions } from './connection-options.ts';
import { storeError } from './errors.ts';
import { SESSION_STORE } from './index.ts';
import { mysqlRunDatabase } from './run-database.ts';
import { blockedConnections, lockWaitSource, type LockWaitSource } from './lock-waits.ts';
import { createDatabaseSql, dropDatabaseSql, quoteDatabase, RUN_LOCK_NAME_SQL } from './session-table.ts';

/** Something started for the run that must be stopped and removed afterwards. */
export interface StartedInstance {
  url: string;
  /** How a throwaway server's data directory was made: copied from racelab's template, or initialised afresh. */
  dataFrom?: 'template' | 'initialised';
  stop(): Promise<void>;
}

/**
 * A `Database` over a reachable MySQL or MariaDB server: an admin connection that creates and
 * drops the runs' databases, and, for an instance racelab started, that instance's shutdown.
 * Databases it created and did not drop yet are dropped by `stop()`, so an error between the two
 * leaves nothing behind.
 */
export async function connectMysqlDatabase(kind: Database['kind'], url: string, instance?: StartedInstance): Promise<Database> {
  let admin: mysql.Connection;
  try {
    admin = await mysql.createConnection(connectionOptions(url));
  } catch (error) {
    await instance?.stop();
    throw error;
  }
  admin.on('error', () => undefined);
  const query = async <Row>(text: string, values: unknown[] = []) => (await admin.query(text, values))[0] as Row;
  let version: string;
  let waits: LockWaitSource;
  try {
    version = (await query<{ version: string }[]>('SELECT VERSION() AS version'))[0]!.version;
    waits = await lockWaitSource(query);
  } catch (error) {
    admin.destroy();
    await instance?.stop();
    throw error;
  }
  const openDatabases = new OpenNamespaces('database', instance ? undefined : redactUrl(url));
  let stopped = false;

  const drop = async (database: string) => {
    // A worker stuck in a statement (a hung op, a lock wait) would hold a metadata lock on the
    // table and block the DROP: end the run's own connections first, found by their database.
    const stuck = await query<{ id: number }[]>('SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()', [database]);
    for (const { id } of stuck) await query('KILL ?', [id]).catch(() => undefined);
    await query(dropDatabaseSql(database));
    await query(`SELECT RELEASE_LOCK(${RUN_LOCK_NAME_SQL})`, [database]);
    openDatabases.dropped(database);
  };

  return {
    kind,
    product: /mariadb/i.test(version) ? 'MariaDB' : 'MySQL',
    family: 'mysql',
    version,
    storeModule: SESSION_STORE,
    defaultIsolation: 'repeatable-read',
    isolations: ISOLATIONS,
    lacks: {},
    async createRunSchema(runId: string): Promise<StoreTarget> {
      const database = runNamespaceName(runId);
      openDatabases.opened(database);
      // Held before the database exists, so `racelab clean` never takes one being made for an orphan.
      await query(`SELECT GET_LOCK(${RUN_LOCK_NAME_SQL}, 10)`, [database]);
      for (const statement of createDatabaseSql(database)) await query(statement);
      return { url, schema: database, database: mysqlRunDatabase(url, database) };
    },
    dropRunSchema: (target) => drop(target.schema),
    async emptyRunTables(target) {
      // TRUNCATE rather than DELETE: InnoDB keeps deleted rows as delete-marked records until
      // purge gets to them, and a locking read of the same key in the next run locks the record
      // rather than the gap, or not, depending on whether purge came first.
      const tables = await query<{ name: string }[]>("SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'", [target.schema]);
      for (const { name } of tables) await query(`TRUNCATE TABLE ${quoteDatabase(target.schema)}.${mysql.escapeId(name)}`);
    },
    async runClient(target) {
      const client = await mysql.createConnection(connectionOptions(url, target.schema));
      client.on('error', () => undefined);
      const run: QueryClient['query'] = async <Row>(text: string, values?: readonly unknown[]) => {
        try {
          const [result] = await client.query(text, values ? [...values] : []);
          if (Array.isArray(result)) return { rows: result as Row[], rowCount: result.length };
          return { rows: [], rowCount: (result as mysql.ResultSetHeader).affectedRows };
        } catch (error) {
          throw storeError(error);
        }
      };
      return { query: run, close: () => client.end() };
    },
    blockedBackends: (ids, holders) => blockedConnections(query, waits, ids, holders),
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        // A server racelab started goes away whole; on the user's server, leftovers are dropped.
        await openDatabases.dropAll(drop, dropDatabaseSql);
      } finally {
        await admin.end().catch(() => admin.destroy());
        await instance?.stop();
      }
    },
  };
}
