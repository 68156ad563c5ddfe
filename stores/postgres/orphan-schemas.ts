/**
 * Run schemas on a server whose run is gone: what a racelab process killed without its cleanup
 * (SIGKILL, the OOM killer, a lost machine) left behind. A live run holds an advisory lock on its
 * schema from creation to drop (session-table.ts), and the server releases it with the connection;
 * so a `racelab_<runid>` schema that nobody holds the lock of, and that no connection of its run
 * uses, is an orphan. Nothing else on the server is looked at.
 */
import pg from 'pg';
import { isRunNamespaceName } from '../shared/run-namespace.ts';
import { dropSchemaSql, RUN_LOCK_SQL } from './session-table.ts';

/** Removes (or with `dryRun` only lists) the orphaned run schemas of the database at `url`. */
export async function cleanOrphanSchemas(url: string, dryRun: boolean): Promise<string[]> {
  const client = new pg.Client({ connectionString: url, application_name: 'racelab-clean' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'racelab\\_%' ORDER BY nspname`);
    const orphans: string[] = [];
    for (const schema of rows.map((row) => row.nspname).filter(isRunNamespaceName)) {
      const used = await client.query('SELECT 1 FROM pg_stat_activity WHERE application_name = $1', [schema]);
      if ((used.rowCount ?? 0) > 0) continue;
      const { locked } = (await client.query<{ locked: boolean }>(RUN_LOCK_SQL.tryLock, [schema])).rows[0]!;
      if (!locked) continue;
      try {
        if (!dryRun) await client.query(dropSchemaSql(schema));
        orphans.push(schema);
      } finally {
        await client.query(RUN_LOCK_SQL.unlock, [schema]);
      }
    }
    return orphans;
  } finally {
    await client.end().catch(() => undefined);
  }
}
