/**
 * `npm run bench`: racelab against pgbench on the same statements, and the other figures the
 * table in docs/speed.md shows. Every speed is a ratio against a reference measured in the same run:
 * pgbench for statements per second, `node -e 0` for a command's start.
 *
 * - Statements per second for the statement shapes of naive-save, atomic-create and on-conflict at
 *   1, 4 and 16 clients: racelab stress (`--duration`) against pgbench running a generated script
 *   with racelab's SQL text (pgbench.ts), prepared, on the same key space and expiry pattern, the
 *   same server, the same clients and threads; interleaved, three rounds. naive-save's rounds also
 *   run node-postgres alone (driver-floor.ts) beside racelab: racelab ÷ node-postgres, per round,
 *   is what racelab itself costs.
 * - Time from the command to naive-save's first IntegrityError at K=64 and K=1024, on an embedded
 *   PostgreSQL started by the command (median of 20).
 * - explore's milliseconds per schedule; violations per 1,000 ops with and without --amplify; peak RSS at 10^4 and 10^6 ops with 4 threads; the start
 *   of `racelab --help`.
 *
 * Writes bench/results.json with the machine's description.
 *
 *   npm run bench                         (an embedded PostgreSQL started for the bench)
 *   DATABASE_URL=postgres://… npm run bench
 *   npm run bench -- --quick              (shorter runs, 10^5 ops for the large RSS run: a smoke test)
 *   npm run bench -- --only throughput,rss  (some sections: throughput, first-error, explore, amplify, rss, start;
 *                                          they replace theirs in results.json, the rest is kept)
 *   npm run bench -- --only throughput --shapes naive-save --rounds 5
 *                                         (some shapes, more rounds: printed, not written to results.json)
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Explorer } from '../harness/explore/explorer.ts';
import { choicesPolicy } from '../harness/explore/schedule.ts';
import { exploreInputs } from '../harness/explore/search.ts';
import { liveQuotas } from '../harness/occupancy.ts';
import { newRunId } from '../harness/run-id.ts';
import { threadsFor } from '../harness/thread-count.ts';
import { ISOLATIONS, type Database } from '../harness/contract/store.ts';
import { BUILT_IN_SCENARIOS } from '../scenarios/index.ts';
import { connectDatabase } from '../stores/postgres/database.ts';
import { startEmbedded } from '../stores/postgres/embedded.ts';
import { redactUrl } from '../stores/shared/redact-url.ts';
import { driverFloor } from './driver-floor.ts';
import { statementRoundTripUs } from './statement-round-trip.ts';
import { findPgbench, pgbenchScript, pgbenchVersion, runPgbench, SHAPES } from './pgbench.ts';
import { commandTimes, globalSetupMs, RACELAB_BIN, reproduce } from './racelab-runs.ts';
import { readmeTable } from './readme-table.ts';
import { wholeArgument } from './arguments.ts';
import { median, spread, type Spread } from './stats.ts';

const quick = process.argv.includes('--quick');
const SECTIONS = ['throughput', 'first-error', 'explore', 'amplify', 'rss', 'start'] as const;
const onlyArg = process.argv[process.argv.indexOf('--only') + 1];
const only = process.argv.includes('--only') ? new Set(onlyArg?.split(',')) : new Set<string>(SECTIONS);
const unknown = [...only].find((name) => !(SECTIONS as readonly string[]).includes(name));
if (unknown !== undefined) {
  console.error(`--only takes sections from ${SECTIONS.join(', ')}, got ${JSON.stringify(unknown)}`);
  process.exit(2);
}
const SECONDS = quick ? 2 : 5;
const ROUNDS = wholeArgument('--rounds', 3);
const CLIENTS = [1, 4, 16];
const KEY_SPACE = 4_096;
const OCCUPANCY = 0.25;
const FIRST_ERROR_RUNS = quick ? 5 : 20;
const COLD_RUNS = quick ? 2 : 5;
const RSS_OPS = [10_000, quick ? 100_000 : 1_000_000];
const RSS_THREADS = 4;
const shapesArg = process.argv[process.argv.indexOf('--shapes') + 1];
const shapes = new Set<string>(process.argv.includes('--shapes') ? shapesArg?.split(',') : SHAPES);
const unknownShape = [...shapes].find((name) => !(SHAPES as readonly string[]).includes(name));
if (unknownShape !== undefined) {
  console.error(`--shapes takes shapes from ${SHAPES.join(', ')}, got ${JSON.stringify(unknownShape)}`);
  process.exit(2);
}

const log = (line: string) => console.log(line);
const fixed = (value: number, digits = 0) => value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const showSpread = (s: Spread, digits = 0) => `${fixed(s.median, digits)} [${fixed(s.min, digits)}–${fixed(s.max, digits)}]`;

const pgbench = findPgbench();
const external = process.env['DATABASE_URL'];
const instance = external ? undefined : await startEmbedded();
const url = external ?? instance!.url;
const database = await connectDatabase(external ? 'server' : 'embedded', url, instance);
const results: Record<string, unknown> = {};
try {
  const settings = await serverSettings(database);
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    os: `${process.platform} ${release()}`,
    node: process.version,
    postgres: `${database.version} (${external ? `DATABASE_URL ${redactUrl(external)}` : 'embedded'}; ${settings})`,
    pgbench: pgbenchVersion(pgbench),
  };
  Object.assign(results, { date: new Date().toISOString(), quick, machine });
  log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}`);
  log(`server: PostgreSQL ${machine.postgres}; reference: ${machine.pgbench} (${pgbench})`);
  log('');

  if (only.has('throughput')) results['throughput'] = await throughput(database);
  if (only.has('first-error')) results['firstIntegrityError'] = await firstIntegrityError();
  if (only.has('explore')) results['explore'] = await exploreSpeed(database);
  if (only.has('amplify')) results['amplify'] = await amplification();
  if (only.has('rss')) results['peakRss'] = await peakRss();
  if (only.has('start')) results['start'] = startTimes();
  const path = new URL('./results.json', import.meta.url).pathname;
  // Sections not run this time keep their figures from the last run, which results.json dates.
  const kept = only.size < SECTIONS.length && existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>) : {};
  Object.assign(results, { ...kept, ...results, ...(only.size < SECTIONS.length && { sectionsDated: { ...(kept['sectionsDated'] as object), ...Object.fromEntries([...only].map((name) => [name, results['date']])) } }) });
  if (shapes.size < SHAPES.length) log('\nsome shapes only (--shapes): results.json is left as it was');
  else if (['throughput', 'firstIntegrityError', 'explore', 'amplify', 'peakRss', 'start'].every((key) => key in results)) {
    results['goals'] = goals(results);
    writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
    log(`\nwrote ${path}; the table for docs/speed.md from it:\n`);
    log(readmeTable(results as unknown as Parameters<typeof readmeTable>[0]));
  }
} finally {
  await database.stop();
}

async function serverSettings(db: Database): Promise<string> {
  const target = await db.createRunSchema(newRunId());
  const client = await db.runClient(target);
  try {
    const show = async (name: string) => (await client.query<Record<string, string>>(`SHOW ${name}`)).rows[0]![name];
    return `fsync ${await show('fsync')}, synchronous_commit ${await show('synchronous_commit')}`;
  } finally {
    await client.close();
    await db.dropRunSchema(target);
  }
}

/**
 * racelab and pgbench on each shape and client count, interleaved: the ratio of their statements per
 * second. naive-save's rows also run node-postgres alone (driver-floor.ts) in each round, next to
 * racelab, on the same threads: racelab ÷ node-postgres is racelab's own cost, each round's ratio
 * taken from the same round. The two go first in turns, so a drift of the machine's load favours
 * neither.
 */
async function throughput(db: Database) {
  log(`statements per second, ${SECONDS} s runs, key space ${fixed(KEY_SPACE)}, occupancy ${OCCUPANCY}, interleaved × ${ROUNDS}:`);
  log('naive-save rows also run node-postgres alone (the same statements, clients and threads, no harness) in each round.');
  log('shape           clients  threads   racelab stmt/s            pgbench stmt/s            racelab/pgbench     node-postgres stmt/s      racelab/node-postgres  node-postgres/pgbench');
  const rows = [];
  for (const shape of SHAPES.filter((name) => shapes.has(name))) {
    for (const clients of CLIENTS) {
      const threads = threadsFor(clients);
      const quota = liveQuotas(KEY_SPACE, OCCUPANCY, clients)[0]!;
      const racelab: number[] = [];
      const reference: number[] = [];
      const floor: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const target = await db.createRunSchema(newRunId());
        try {
          const runRacelab = async () => {
            const run = await reproduce([
              '--db', url, '--scenario', shape, '--clients', String(clients), '--threads', String(threads),
              '--duration', `${SECONDS}s`, '--key-space', String(KEY_SPACE), '--occupancy', String(OCCUPANCY), '--seed', String(round + 1),
            ]);
            racelab.push(run.scenarios[0]!.statementsPerSecond);
          };
          const runFloor = async () => {
            floor.push(await driverFloor(target, { clients, threads, seconds: SECONDS, keySpace: KEY_SPACE, occupancy: OCCUPANCY }));
            await db.emptyRunTables(target);
          };
          if (shape !== 'naive-save') await runRacelab();
          else if (round % 2 === 0) await runRacelab().then(runFloor);
          else await runFloor().then(runRacelab);
          const script = join(tmpdir(), `racelab-bench-${target.schema}.sql`);
          writeFileSync(script, pgbenchScript(shape, target.schema));
          try {
            reference.push((await runPgbench(pgbench, url, shape, script, { clients, threads, seconds: SECONDS, keySpace: KEY_SPACE, quota })).statementsPerSecond);
          } finally {
            rmSync(script, { force: true });
          }
        } finally {
          await db.dropRunSchema(target);
        }
      }
      const perRound = (values: number[], over: number[]) => values.map((value, round) => value / over[round]!);
      const ratio = spread(perRound(racelab, reference));
      const alone =
        floor.length > 0
          ? { statementsPerSecond: spread(floor), ratio: spread(perRound(floor, reference)), racelabRatio: spread(perRound(racelab, floor)), racelabRatios: perRound(racelab, floor) }
          : undefined;
      const row = { shape, clients, threads, racelab: spread(racelab), pgbench: spread(reference), ratio, ...(alone && { nodePostgresAlone: alone }) };
      rows.push(row);
      log(
        `${shape.padEnd(16)}${String(clients).padStart(7)}  ${String(threads).padStart(7)}   ${showSpread(row.racelab).padEnd(26)}${showSpread(row.pgbench).padEnd(26)}${showSpread(ratio, 2).padEnd(20)}` +
          (alone ? `${showSpread(alone.statementsPerSecond).padEnd(26)}${showSpread(alone.racelabRatio, 2).padEnd(23)}${showSpread(alone.ratio, 2)}` : ''),
      );
      if (alone) {
        const rounds = racelab.map((_, round) => `${fixed(alone.racelabRatios[round]!, 2)} (÷ pgbench ${fixed(racelab[round]! / reference[round]!, 2)})`);
        log(`${''.padEnd(36)}racelab ÷ node-postgres by round: ${rounds.join(', ')}`);
      }
    }
  }
  log('');
  return rows;
}

/**
 * From the command to naive-save's first IntegrityError, on an embedded PostgreSQL the command
 * starts: with a warm cache (the cluster template kept, the usual case after the first run) and a
 * cold one (an empty cache: initdb, then the template kept). And racelab/vitest's global setup,
 * warm and cold. Each cache is the bench's own, removed afterwards: the user's is not touched.
 */
async function firstIntegrityError() {
  const caches = mkdtempSync(join(tmpdir(), 'racelab-bench-cache-'));
  try {
    const warm = { RACELAB_CACHE_DIR: join(caches, 'warm') };
    let fresh = 0;
    const cold = () => ({ RACELAB_CACHE_DIR: join(caches, `cold-${++fresh}`) });
    // One run fills the warm cache; it is not counted.
    await reproduce(['--db', 'embedded', '--scenario', 'naive-save', '--ops', '1'], { env: warm });
    const rows = [];
    for (const [cache, keySpace, ops, runs] of [['warm', 64, 500, FIRST_ERROR_RUNS], ['cold', 64, 500, COLD_RUNS], ['warm', 1_024, 2_000, FIRST_ERROR_RUNS]] as const) {
      const times: number[] = [];
      let none = 0;
      for (let run = 0; run < runs; run++) {
        const result = await reproduce(['--db', 'embedded', '--scenario', 'naive-save', '--key-space', String(keySpace), '--ops', String(ops), '--seed', String(run + 1)], { env: cache === 'warm' ? warm : cold() });
        const scenario = result.scenarios[0]!;
        if (scenario.firstViolation === null || scenario.releasedAt === null) {
          none++;
          continue;
        }
        times.push(Date.parse(scenario.releasedAt) + scenario.firstViolation.atMs - result.spawnedAt);
      }
      const row = { cache, keySpace, runs, withoutError: none, ms: spread(times) };
      rows.push(row);
      log(`command to naive-save's first IntegrityError, K=${fixed(keySpace)}, embedded start included, ${cache} cache: median ${fixed(row.ms.median)} ms [${fixed(row.ms.min)}–${fixed(row.ms.max)}] over ${times.length} runs${none ? ` (${none} without one in ${ops} ops per client)` : ''}`);
    }
    const setup = { warm: [] as number[], cold: [] as number[] };
    for (let run = 0; run < FIRST_ERROR_RUNS; run++) setup.warm.push(await globalSetupMs(warm));
    for (let run = 0; run < COLD_RUNS; run++) setup.cold.push(await globalSetupMs(cold()));
    const globalSetup = { warm: spread(setup.warm), cold: spread(setup.cold) };
    log(`racelab/vitest global setup (import and embedded start): warm cache ${showSpread(globalSetup.warm)} ms over ${setup.warm.length} runs, cold ${showSpread(globalSetup.cold)} ms over ${setup.cold.length}`);
    return { runs: rows, globalSetup };
  } finally {
    rmSync(caches, { recursive: true, force: true });
  }
}

/** explore's cost per schedule: atomic-create on 8 workers, the inputs a search generates. */
async function exploreSpeed(db: Database) {
  const warmUp = 20;
  const measured = quick ? 50 : 200;
  const explorer = await Explorer.start(db, BUILT_IN_SCENARIOS['atomic-create']!, 8);
  try {
    const inputs = fc.sample(exploreInputs(ISOLATIONS), { numRuns: warmUp + measured, seed: 42 });
    const times: number[] = [];
    for (const [index, input] of inputs.entries()) {
      const run = await explorer.run(input, choicesPolicy(input.choices));
      if (index >= warmUp) times.push(run.elapsedMs);
    }
    const sorted = [...times].sort((a, b) => a - b);
    const p90 = sorted[Math.min(sorted.length - 1, Math.floor(0.9 * sorted.length))]!;
    const statementUs = await statementRoundTripUs(db);
    const row = { scenario: 'atomic-create', schedules: measured, msPerSchedule: spread(times), p90Ms: p90, statementRoundTripUs: statementUs };
    log(`explore: ${fixed(median(times), 1)} ms per schedule (median of ${measured}, p90 ${fixed(p90, 1)} ms, atomic-create, generated inputs)`);
    log(`  reference: node-postgres alone, one connection, atomic-create's statements one at a time: ${fixed(statementUs, 0)} µs per statement`);
    return row;
  } finally {
    await explorer.close();
  }
}

/**
 * Violations per 1,000 ops with and without `--amplify`, on the same server in the same run,
 * natural and amplified runs interleaved: naive-save (IntegrityErrors) and a check-then-insert with
 * no unique index (examples/signup-check-then-insert.race.ts, duplicates found by its audit), at
 * K=4,096, 4 clients × 2,000 ops, one seed per pair. The same seed gives the amplifier the same
 * decisions (harness/amplify/amplifier.test.ts replays them); the interleaving that follows still
 * varies with the machine's timing, so the counts vary from run to run.
 */
async function amplification() {
  const runs = quick ? 3 : 5;
  const scenarios = [['naive-save', 'naive-save'], ['signup-check-then-insert', new URL('../examples/signup-check-then-insert.race.ts', import.meta.url).pathname]] as const;
  const rows = [];
  log(`violations per 1,000 ops, K=4,096, 4 clients × 2,000 ops, natural and --amplify interleaved × ${runs}:`);
  for (const [name, scenario] of scenarios) {
    const natural: number[] = [];
    const amplified: number[] = [];
    for (let run = 0; run < runs; run++) {
      for (const [into, flags] of [[natural, []], [amplified, ['--amplify']]] as const) {
        const result = await reproduce(['--db', url, '--scenario', scenario, '--key-space', '4096', '--ops', '2000', '--seed', String(run + 1), ...flags]);
        const figures = result.scenarios[0]! as unknown as { ops: number; violations: number };
        into.push((figures.violations / figures.ops) * 1000);
      }
    }
    const ratio = median(amplified) / median(natural);
    const row = { scenario: name, runs, natural: spread(natural), amplified: spread(amplified), ratio };
    rows.push(row);
    log(`${name.padEnd(26)} natural ${showSpread(row.natural, 2)}   amplified ${showSpread(row.amplified, 1)}   ratio of medians ${Number.isFinite(ratio) ? `${fixed(ratio, 0)}×` : '∞ (no natural violation)'}`);
  }
  log('');
  return rows;
}

/** The process's peak RSS for a small and a large run of naive-save with 4 clients on 4 threads. */
async function peakRss() {
  const rows: { ops: number; threads: number; peakRssMB: number }[] = [];
  for (const ops of RSS_OPS) {
    const run = await reproduce(['--db', url, '--scenario', 'naive-save', '--clients', '4', '--threads', String(RSS_THREADS), '--ops', String(ops / 4)], { measureRss: true });
    rows.push({ ops, threads: RSS_THREADS, peakRssMB: run.peakRssBytes! / 2 ** 20 });
  }
  const [small, large] = rows as [(typeof rows)[0], (typeof rows)[0]];
  const ratio = large.peakRssMB / small.peakRssMB;
  log(`peak RSS, naive-save, 4 clients on ${RSS_THREADS} threads: ${fixed(small.peakRssMB)} MB at ${fixed(small.ops)} ops, ${fixed(large.peakRssMB)} MB at ${fixed(large.ops)} ops (${fixed(ratio, 2)}×)`);
  return { runs: rows, ratio };
}

/** `racelab --help` beside `node -e 0`, the floor any Node command pays. */
function startTimes() {
  const runs = 11;
  const floor = median(commandTimes(['-e', '0'], runs));
  const help = median(commandTimes([RACELAB_BIN, '--help'], runs));
  log(`racelab --help: ${fixed(help)} ms median of ${runs} (node -e 0: ${fixed(floor)} ms, ${fixed(help / floor, 2)}×)`);
  return { helpMs: help, nodeMs: floor, ratio: help / floor };
}

/** The issue's goals, each met or not by this run's figures. */
function goals(figures: Record<string, unknown>) {
  const rows = figures['throughput'] as { shape: string; clients: number; ratio: Spread; nodePostgresAlone?: { racelabRatio?: Spread } }[];
  const first = figures['firstIntegrityError'] as { runs: { cache: string; keySpace: number; ms: Spread }[]; globalSetup: { warm: Spread } };
  const warm64 = first.runs.find((row) => row.cache === 'warm' && row.keySpace === 64)!;
  const explore = figures['explore'] as { msPerSchedule: Spread };
  const amplify = figures['amplify'] as { scenario: string; ratio: number }[];
  const rss = figures['peakRss'] as { runs: { peakRssMB: number }[]; ratio: number };
  const list = [
    ...rows.filter((row) => row.clients >= 4).map((row) => ({ goal: `${row.shape} at ${row.clients} clients ≥ 0.9× pgbench`, value: row.ratio.median, met: row.ratio.median >= 0.9 })),
    ...rows.flatMap((row) => {
      const ratio = row.nodePostgresAlone?.racelabRatio;
      return ratio ? [{ goal: `${row.shape} at ${row.clients} clients ≥ 0.95× node-postgres alone`, value: ratio.median, met: ratio.median >= 0.95 }] : [];
    }),
    { goal: 'peak RSS at 10^6 ops ≤ 1.1× that at 10^4', value: rss.ratio, met: rss.ratio <= 1.1 },
    { goal: 'peak RSS ≤ 150 MB with 4 threads', value: Math.max(...rss.runs.map((run) => run.peakRssMB)), met: rss.runs.every((run) => run.peakRssMB <= 150) },
    { goal: 'first IntegrityError at K=64 within 1.0 s of the command, warm cache (ms)', value: warm64.ms.median, met: warm64.ms.median <= 1_000 },
    { goal: 'racelab/vitest global setup within 1.0 s, warm cache (ms)', value: first.globalSetup.warm.median, met: first.globalSetup.warm.median <= 1_000 },
    { goal: 'explore at most 5 ms per schedule (ms)', value: explore.msPerSchedule.median, met: explore.msPerSchedule.median <= 5 },
    ...amplify.map((row) => ({ goal: `--amplify at least 10× the violations per 1,000 ops of a natural run, ${row.scenario}`, value: row.ratio, met: row.ratio >= 10 })),
  ];
  log('');
  for (const row of list) log(`${row.met ? 'met    ' : 'NOT MET'}  ${row.goal}: ${fixed(row.value, 2)}`);
  return list;
}
