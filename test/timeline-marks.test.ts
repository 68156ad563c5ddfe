/**
 * The marks of a collision's timeline on every database, as report.json carries them: naive-save
 * run through race(), in this process (what is tested is what the workers record and how the
 * engine marks it, not a process boundary). The marks are decided from what each statement raised,
 * not from the words of its result, which differ from one database to the next.
 */
import { expect, it } from 'vitest';
import { race } from '../api/race.ts';
import type { TimelineEntry } from '../harness/contract/results.ts';
import type { JsonReport } from '../reports/json.ts';
import { BUILT_IN_SCENARIOS } from '../scenarios/index.ts';
import { describeEachServer } from './databases.ts';
import { describeMysql } from './mysql-server.ts';
import { describeSqlite } from './sqlite-driver.ts';
import { markProblems } from './timeline-checks.ts';

/** Every sample a scenario's report carries with its timeline. */
const SAMPLES = ['firstViolation', 'firstLoudViolation', 'firstSilentViolation', 'firstCapacityFailure', 'firstHarnessFailure'] as const;

type Sample = { outcome: string; worker: number; op: number; timeline?: TimelineEntry[] };

/**
 * Runs naive-save on `db` and checks every timeline of its report: in each collision's, exactly one
 * `✗ failed`, on the insert that raised the database's duplicate-key error (`duplicate`: its code
 * as the result starts), at least one `◀ won`, and each `waited for` naming a statement that began
 * before the waiting one and ended before it did.
 */
async function expectMarkedTimelines(db: string, options: Parameters<typeof race>[1], duplicate: RegExp): Promise<void> {
  const report: JsonReport = await race(BUILT_IN_SCENARIOS['naive-save']!, { db, seed: 7, ...options });
  const scenario = report.scenarios[0]!;
  expect(scenario.outcomes['integrity_error']).toBeGreaterThan(0);
  const samples = SAMPLES.map((name) => scenario[name] as Sample | null).filter((sample): sample is Sample => sample !== null);
  const collisions = samples.filter((sample) => sample.outcome === 'integrity_error');
  expect(collisions.length).toBeGreaterThan(0);
  for (const sample of samples) {
    const what = `${sample.outcome} of w${sample.worker} op${sample.op}`;
    // The first collisions fall within the statements every worker records.
    expect(sample.timeline, `${what} has no timeline`).toBeDefined();
    const timeline = sample.timeline!;
    const collision = sample.outcome === 'integrity_error';
    expect(markProblems(timeline, collision), `${what}: ${JSON.stringify(timeline)}`).toEqual([]);
    if (collision) {
      const failed = timeline.find((e) => e.role === 'failed')!;
      expect(failed).toMatchObject({ worker: sample.worker, op: sample.op, step: 'insert' });
      expect(failed.result).toMatch(duplicate);
    }
  }
  for (const problem of scenario.invariantProblems) {
    if (problem.timeline) expect(markProblems(problem.timeline, false)).toEqual([]);
  }
}

describeEachServer('timeline marks', (server) => {
  it('every collision timeline of naive-save has one ✗ on the insert that got 23505, a ◀, and waits only for statements that began and ended before', async () => {
    // bench/race-test-odds.ts measured at least 76 IntegrityErrors for naive-save at 4×400, K=16: P(none) < 10^-32.
    await expectMarkedTimelines(server.url, { ops: 400, keySpace: 16 }, /^23505 duplicate key value violates unique constraint/);
  });
});

describeMysql('timeline marks', (url) => {
  it('every collision timeline of naive-save has one ✗ on the insert that got 1062, a ◀, and waits only for statements that began and ended before', async () => {
    // bench/race-test-odds.ts, on MariaDB 10.11 over 8 runs of 4×700 K=16: at fewest 70 duplicate keys, P(none) < e^-70 < 10^-30.
    await expectMarkedTimelines(url, { ops: 700, keySpace: 16 }, /^1062 Duplicate entry '[a-z0-9]+' for key 'PRIMARY'/);
  });
});

describeSqlite('timeline marks', () => {
  it('every collision timeline of naive-save has one ✗ on the insert that got SQLITE_CONSTRAINT_PRIMARYKEY, a ◀, and waits only for statements that began and ended before', async () => {
    // bench:odds measured, at 4×1000 K=64 over 10 runs, at least 46 IntegrityErrors from naive-save: P(none) < e^-46 < 10^-19.
    await expectMarkedTimelines('sqlite', { ops: 1_000, keySpace: 64, isolation: 'deferred' }, /^SQLITE_CONSTRAINT_PRIMARYKEY UNIQUE constraint failed/);
  });
});
