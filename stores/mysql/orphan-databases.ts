/**
 * Run databases on a MySQL/MariaDB server whose run is gone: what a racelab process killed without
 * its cleanup left behind. A live run holds a named lock on its database from creation to drop
 * (session-table.ts), and the server releases it with the connection; so a `racelab_<runid>`
 * database whose lock is free, and that no connection uses, is an orphan. Nothing else on the
 * server is looked at.
 */
import mysql from 'mysql2/promise';
import { isRunNamespaceName } from '../shared/run-namespace.ts';
import { connectionOptions } from './connection-options.ts';
import { dropDatabaseSql, RUN_LOCK_NAME_SQL } from './session-table.ts';

/** Removes (or with `dryRun` only lists) the orphaned run databases of the server at `url`. */
export async function cleanOrphanDatabases(url: string, dryRun: boolean): Promise<string[]> {
  const client = await mysql.createConnection(connectionOptions(url));
  client.on('error', () => undefined);
  const query = async <Row>(text: string, values: unknown[] = []) => (await client.query(text, values))[0] as Row;
  try {
    const rows = await query<{ name: string }[]>("SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'racelab\\_%' ORDER BY SCHEMA_NAME");
    const orphans: string[] = [];
    for (const database of rows.map((row) => row.name).filter(isRunNamespaceName)) {
      const used = await query<unknown[]>('SELECT 1 FROM information_schema.PROCESSLIST WHERE DB = ?', [database]);
      if (used.length > 0) continue;
      const [row] = await query<{ locked: number | null }[]>(`SELECT GET_LOCK(${RUN_LOCK_NAME_SQL}, 0) AS locked`, [database]);
      if (row?.locked !== 1) continue;
      try {
        if (!dryRun) await query(dropDatabaseSql(database));
        orphans.push(database);
      } finally {
        await query(`SELECT RELEASE_LOCK(${RUN_LOCK_NAME_SQL})`, [database]);
      }
    }
    return orphans;
  } finally {
    await client.end().catch(() => client.destroy());
  }
}
