/**
 * The reference explore's per-step figure stands beside: one node-postgres connection sending the
 * statements of an atomic-create op with its expiry (racelab's prepared exists SELECT, INSERT, and
 * owned DELETE, each committing on its own) one at a time, with no harness, in the same process
 * on the same server. A step of explore is one such round trip plus the turnstile's hops between
 * threads, so no schedule of N steps runs faster than N of these.
 */
import pg from 'pg';
import { newRunId } from '../harness/run-id.ts';
import type { Database } from '../harness/contract/store.ts';
import { sessionStatements } from '../stores/postgres/session-table.ts';
import { median } from './stats.ts';

/** Microseconds per statement: the median of `rounds` rounds of `ops` ops (three statements each), after a warm-up round. */
export async function statementRoundTripUs(database: Database, rounds = 5, ops = 200): Promise<number> {
  const target = await database.createRunSchema(newRunId());
  const client = new pg.Client({ connectionString: target.url, application_name: target.schema });
  try {
    await client.connect();
    const sql = sessionStatements(target.schema);
    const perRound: number[] = [];
    for (let round = 0; round <= rounds; round++) {
      const started = performance.now();
      for (let op = 0; op < ops; op++) {
        const key = `k${op}`;
        const data = `{"owner":"w1:op${op}"}`;
        await client.query({ ...sql.exists, values: [key] });
        await client.query({ ...sql.insert, values: [key, data, new Date(Date.now() + 14 * 86_400_000)] });
        await client.query({ ...sql.deleteOwned, values: [key, data] });
      }
      if (round > 0) perRound.push(((performance.now() - started) * 1000) / (3 * ops));
    }
    return median(perRound);
  } finally {
    await client.end().catch(() => undefined);
    await database.dropRunSchema(target);
  }
}
