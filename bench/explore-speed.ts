/**
 * How fast explore runs one interleaving, and how long a search takes, on a real PostgreSQL.
 * Prints the figures; asserts nothing (timings belong in a bench, not in a test).
 *
 *   npm run bench:explore            (embedded PostgreSQL)
 *   DATABASE_URL=postgres://… npm run bench:explore
 */
import fc from 'fast-check';
import { Explorer } from '../harness/explore/explorer.ts';
import { choicesPolicy } from '../harness/explore/schedule.ts';
import { exploreInputs, searchForRace } from '../harness/explore/search.ts';
import { ISOLATIONS } from '../harness/contract/store.ts';
import { BUILT_IN_SCENARIOS } from '../scenarios/index.ts';
import { openDatabase, planDatabase } from '../stores/registry.ts';
import { statementRoundTripUs } from './statement-round-trip.ts';

const WARM_UP = 20;
const MEASURED = 200;

const plan = await planDatabase(process.env['DATABASE_URL'] ? 'auto' : 'embedded');
const database = await openDatabase(plan);
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
try {
  console.log(`PostgreSQL ${database.version} (${plan.kind})`);
  const explorer = await Explorer.start(database, BUILT_IN_SCENARIOS['atomic-create']!, 8);
  try {
    // The inputs a search generates, from a fixed seed so the figure is comparable run to run.
    const inputs = fc.sample(exploreInputs(ISOLATIONS), { numRuns: WARM_UP + MEASURED, seed: 42 });
    const times: number[] = [];
    const stepCounts: number[] = [];
    let steps = 0;
    for (const [index, input] of inputs.entries()) {
      const run = await explorer.run(input, choicesPolicy(input.choices));
      if (index < WARM_UP) continue;
      times.push(run.elapsedMs);
      stepCounts.push(run.steps.length);
      steps += run.steps.length;
    }
    times.sort((a, b) => a - b);
    stepCounts.sort((a, b) => a - b);
    const perStepUs = (times.reduce((a, b) => a + b, 0) * 1000) / steps;
    console.log(
      `one schedule run (atomic-create, ${MEASURED} generated inputs after ${WARM_UP} warm-up): ` +
        `median ${quantile(times, 0.5).toFixed(1)} ms, p90 ${quantile(times, 0.9).toFixed(1)} ms, ` +
        `${(steps / MEASURED).toFixed(0)} steps per run (median ${quantile(stepCounts, 0.5)}, p90 ${quantile(stepCounts, 0.9)}), ${perStepUs.toFixed(0)} µs per step`,
    );
    // The tail is the inputs with the most steps (up to 8 workers × 20 ops), not waits: hence the
    // steps' own quantiles above, and this floor beside the per-step figure.
    const roundTrip = await statementRoundTripUs(database);
    console.log(
      `reference, same server and run: node-postgres alone, one connection, atomic-create's statements (exists, insert, owned delete) one at a time: ` +
        `${roundTrip.toFixed(0)} µs per statement (explore's step: ${(perStepUs / roundTrip).toFixed(1)}× that, run setup and audit included)`,
    );
    const started = performance.now();
    const held = await searchForRace(explorer, { runs: 100, isolations: ISOLATIONS, seed: 1 });
    console.log(`explore atomic-create, 100 runs: ${held.failed ? 'FAILED' : 'held'} in ${((performance.now() - started) / 1000).toFixed(2)} s`);
  } finally {
    await explorer.close();
  }
  const naive = await Explorer.start(database, BUILT_IN_SCENARIOS['naive-save']!, 8);
  try {
    const started = performance.now();
    const found = await searchForRace(naive, { runs: 100, isolations: ISOLATIONS, seed: 1 });
    const shape = found.failed ? `${found.counterexample.workers}w × ${found.counterexample.opsPerWorker} op, K=${found.counterexample.keySpace}` : 'none';
    console.log(
      `explore naive-save: counterexample ${shape} found and shrunk (${found.failed ? found.numShrinks : 0} shrinks) in ${((performance.now() - started) / 1000).toFixed(2)} s`,
    );
  } finally {
    await naive.close();
  }
} finally {
  await database.stop();
}
