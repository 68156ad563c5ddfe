/**
 * The worker side of the PostgreSQL store: one connection per worker, the session primitives on
 * the run's table. The harness loads this module by URL; its default export is an `OpenStore`.
 */
import pg from 'pg';
import type { OpenStore, SessionRow, SessionStore, StoreTarget } from '../../harness/types.ts';
import { sessionStatements } from './session-table.ts';

const openSessionStore: OpenStore = async (target: StoreTarget): Promise<SessionStore> => {
  const client = new pg.Client({ connectionString: target.url, application_name: 'racelab' });
  // A connection lost while idle is reported here; the next query then fails on its own and
  // its op is classified indeterminate. Without a listener the worker would crash instead.
  client.on('error', () => undefined);
  await client.connect();
  const sql = sessionStatements(target.schema);
  return {
    async exists(key: string) {
      const result = await client.query({ ...sql.exists, values: [key] });
      return result.rowCount !== 0;
    },
    async insert(row: SessionRow) {
      await client.query({ ...sql.insert, values: [row.key, row.data, row.expireDate] });
    },
    async deleteOwned(row: SessionRow) {
      const result = await client.query({ ...sql.deleteOwned, values: [row.key, row.data] });
      return result.rowCount === 1;
    },
    close: () => client.end(),
  };
};

export default openSessionStore;
