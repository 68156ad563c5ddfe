/**
 * `npm run bench:intercept`: what driver interception costs per statement. The engine runs the
 * built-in catalogue with its drivers patched (as every run does) and unpatched (the reference),
 * in alternating pairs on the same server in the same process, and prints statements per second
 * of each and their ratio. The same for a scenario whose statements go through the application's
 * own node-postgres pool (test/fixtures/pg-pool-profile.race.ts): unpatched, racelab neither sees
 * nor times them, so the ratio there is what seeing each one costs.
 *
 *   npm run bench:intercept                  (an embedded PostgreSQL started for the bench)
 *   DATABASE_URL=postgres://… npm run bench:intercept
 *   npm run bench:intercept -- --pairs 3 --seconds 2
 *   npm run bench:intercept -- --pool-only     (the application pool's comparison alone)
 */
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { reproduce } from '../harness/reproduce.ts';
import type { RunConfig } from '../harness/contract/run-config.ts';
import type { Database } from '../harness/contract/store.ts';
import { BUILT_IN_SCENARIOS } from '../scenarios/index.ts';
import { connectDatabase } from '../stores/postgres/database.ts';
import { startEmbedded } from '../stores/postgres/embedded.ts';
import { wholeArgument } from './arguments.ts';
import { median } from './stats.ts';

const PAIRS = wholeArgument('--pairs', 5);
const SECONDS = wholeArgument('--seconds', 3);

const external = process.env['DATABASE_URL'];
const instance = external ? undefined : await startEmbedded();
const database: Database = await connectDatabase(external ? 'server' : 'embedded', external ?? instance!.url, instance);
const config: RunConfig = {
  workers: 4,
  threads: Math.max(1, Math.floor(availableParallelism() / 2)),
  opsPerWorker: 1_000_000,
  durationMs: SECONDS * 1000,
  keys: 'shrunk',
  keySpace: 4_096,
  occupancy: 0.25,
  maxAttempts: 10_000,
  seed: 1,
  isolation: 'read-committed',
  opTimeoutMs: 10_000,
};

/**
 * Statements (or ops) per second over every scenario of one engine run. Unpatched, an application's
 * statements are not counted at all: ops per second is what compares there.
 */
async function rate(scenarioModules: readonly string[], interceptDrivers: boolean, unit: 'statements' | 'ops'): Promise<number> {
  const result = await reproduce({ database, scenarioModules, config, interceptDrivers });
  // Unpatched, a race's 23505 in an application's pool is unclassified, "an error that is not a
  // race": the reference run still measures the pace of its ops.
  if (result.failure !== undefined && interceptDrivers) throw new Error(`the run broke: ${result.failure}`);
  const count = result.findings.reduce((sum, f) => sum + (unit === 'ops' ? f.ops : f.statements), 0);
  const seconds = result.findings.reduce((sum, f) => sum + f.elapsedMs, 0) / 1000;
  return count / seconds;
}

/** PAIRS pairs, the order alternating, so that drift in the machine falls on both sides alike. */
async function compare(label: string, scenarioModules: readonly string[], unit: 'statements' | 'ops'): Promise<void> {
  const on: number[] = [];
  const off: number[] = [];
  for (let pair = 0; pair < PAIRS; pair++) {
    for (const intercept of pair % 2 === 0 ? [true, false] : [false, true]) (intercept ? on : off).push(await rate(scenarioModules, intercept, unit));
  }
  const ratios = on.map((value, i) => value / off[i]!);
  const fixed = (n: number) => Math.round(n).toLocaleString('en');
  console.log(`${label}`);
  console.log(`  intercepted:   ${fixed(median(on))} ${unit}/s (median of ${PAIRS}; ${on.map(fixed).join(', ')})`);
  console.log(`  not patched:   ${fixed(median(off))} ${unit}/s (median of ${PAIRS}; ${off.map(fixed).join(', ')})`);
  console.log(`  ratio:         ${median(ratios).toFixed(3)} (median of the pairs' ratios; each: ${ratios.map((r) => r.toFixed(3)).join(', ')}); cost ${((1 - median(ratios)) * 100).toFixed(1)}%`);
}

try {
  console.log(`PostgreSQL ${database.version} (${external ? 'DATABASE_URL' : 'embedded'}); ${config.workers} clients on ${config.threads} thread(s), ${SECONDS} s per run, ${PAIRS} pairs\n`);
  if (!process.argv.includes('--pool-only')) await compare("the built-in catalogue (racelab's own connections: interception only has to let them by)", Object.values(BUILT_IN_SCENARIOS), 'statements');
  // Unpatched, the pool's statements are neither seen nor counted: ops per second compares.
  await compare("an application's own pg pool (test/fixtures/pg-pool-profile.race.ts: each statement seen, timed and recorded)", [
    pathToFileURL(new URL('../test/fixtures/pg-pool-profile.race.ts', import.meta.url).pathname).href,
  ], 'ops');
} finally {
  await database.stop();
}
