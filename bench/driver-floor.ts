/**
 * The floor racelab stands on: node-postgres alone, with no harness, sending naive-save's
 * statements (racelab's SQL text, prepared) from `clients` connections in one thread of this
 * process, with the same key space and expiry pattern. What racelab loses to pgbench beyond what
 * this loses is racelab's own; the rest is Node's and the driver's.
 */
import pg from 'pg';
import { sessionKeyAt } from '../harness/session-keys.ts';
import type { StoreTarget } from '../harness/contract/store.ts';
import { sessionStatements } from '../stores/postgres/session-table.ts';

export async function driverFloor(target: StoreTarget, options: { clients: number; seconds: number; keySpace: number; quota: number }): Promise<number> {
  const { clients, seconds, keySpace, quota } = options;
  const sql = sessionStatements(target.schema);
  const connections = await Promise.all(
    Array.from({ length: clients }, async () => {
      const client = new pg.Client({ connectionString: target.url, application_name: target.schema });
      await client.connect();
      return client;
    }),
  );
  let statements = 0;
  const started = performance.now();
  const stopAt = started + seconds * 1000;
  try {
    await Promise.all(
      connections.map(async (client, worker) => {
        const live: [string, string][] = [];
        for (let op = 1; performance.now() < stopAt; op++) {
          let key: string;
          for (;;) {
            key = sessionKeyAt(Math.floor(Math.random() * keySpace));
            statements++;
            if ((await client.query({ ...sql.exists, values: [key] })).rowCount === 0) break;
          }
          const data = `{"owner":"w${worker + 1}:op${op}"}`;
          statements++;
          try {
            await client.query({ ...sql.insert, values: [key, data, new Date(Date.now() + 14 * 86_400_000)] });
            live.push([key, data]);
          } catch {
            // A collision, as in naive-save: the op failed, its key is not this client's.
          }
          while (live.length > quota) {
            statements++;
            await client.query({ ...sql.deleteOwned, values: live.shift()! });
          }
        }
      }),
    );
  } finally {
    await Promise.all(connections.map((client) => client.end()));
  }
  return (statements / (performance.now() - started)) * 1000;
}
