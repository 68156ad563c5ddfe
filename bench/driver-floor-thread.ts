/**
 * One thread of the driver floor (driver-floor.ts): its share of the clients, each on its own
 * node-postgres connection, sending naive-save's statements in a bare loop until the time is up.
 * Each statement is sent the way racelab's PostgreSQL store sends it (stores/postgres/session-store.ts):
 * a `pg.Query` made from the text, named so the connection prepares it once. The floor then differs
 * from racelab only in what racelab adds around the driver.
 */
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import { sessionKeyAt } from '../harness/session-keys.ts';
import { sessionStatements } from '../stores/postgres/session-table.ts';

export interface FloorShare {
  url: string;
  schema: string;
  keySpace: number;
  seconds: number;
  /** The clients this thread carries: racelab's worker numbers, and each one's live quota. */
  clients: { worker: number; quota: number }[];
}

/** What a thread sends back: after connecting, `ready`; once its clients stop, their statements and its elapsed time. */
export type FloorMessage = { ready: true } | { statements: number; elapsedMs: number };

const share = workerData as FloorShare;
const sql = sessionStatements(share.schema);
type Statement = { name: string; text: string };

const connections = await Promise.all(
  share.clients.map(async () => {
    const client = new pg.Client({ connectionString: share.url, application_name: share.schema });
    await client.connect();
    return client;
  }),
);
const send = (client: pg.Client, statement: Statement, values: unknown[]) =>
  new Promise<pg.QueryResult>((resolve, reject) => {
    const query = new pg.Query(statement.text, values, (error: Error | undefined, result: pg.QueryResult) => (error ? reject(error) : resolve(result)));
    (query as { name?: string }).name = statement.name;
    client.query(query);
  });

parentPort!.postMessage({ ready: true } satisfies FloorMessage);
await new Promise((resolve) => parentPort!.once('message', resolve));

let statements = 0;
const started = performance.now();
const stopAt = started + share.seconds * 1000;
await Promise.all(
  connections.map(async (client, index) => {
    const { worker, quota } = share.clients[index]!;
    const live: [string, string][] = [];
    for (let op = 1; performance.now() < stopAt; op++) {
      let key: string;
      for (;;) {
        key = sessionKeyAt(Math.floor(Math.random() * share.keySpace));
        statements++;
        if ((await send(client, sql.exists, [key])).rowCount === 0) break;
      }
      const data = `{"owner":"w${worker + 1}:op${op}"}`;
      statements++;
      try {
        await send(client, sql.insert, [key, data, new Date(Date.now() + 14 * 86_400_000)]);
        live.push([key, data]);
      } catch {
        // A collision, as in naive-save: the op failed, its key is not this client's.
      }
      while (live.length > quota) {
        statements++;
        await send(client, sql.deleteOwned, live.shift()!);
      }
    }
  }),
);
const elapsedMs = performance.now() - started;
await Promise.all(connections.map((client) => client.end()));
parentPort!.postMessage({ statements, elapsedMs } satisfies FloorMessage);
