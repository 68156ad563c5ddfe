import { expect, it } from 'vitest';
import { enumerateInterleavings } from '../harness/explore/exhaustive.ts';
import type { ExploreRun } from '../harness/explore/explore-run.ts';
import { interleavingLines, outcomesLine } from '../reports/interleaving.ts';
import { raceViolations } from '../harness/explore/race-outcomes.ts';
import { ScheduleError } from '../harness/explore/schedule.ts';
import { searchForRace } from '../harness/explore/search.ts';
import { ExploreInterrupted } from '../harness/explore/harness-failure.ts';
import { ISOLATIONS } from '../harness/contract/store.ts';
import { connectedDatabase, describeEachServer } from './databases.ts';
import { replay, twoByOne, withExplorer } from './explorers.ts';

describeEachServer('explore: fixed schedules replay PostgreSQL’s own outcomes', (server) => {
  const database = connectedDatabase(server);

  it('naive-save, both check before either inserts: the second insert fails with 23505', async () => {
    const run = await withExplorer(database(), 'naive-save', (explorer) => replay(explorer, [1, 2, 1, 2]));
    expect(interleavingLines(run)).toEqual([
      'w1 exists(k0) → false',
      'w2 exists(k0) → false',
      'w1 insert(k0) → ok',
      'w2 insert(k0) → 23505 duplicate key value violates unique constraint "django_session_pkey"',
    ]);
    expect(outcomesLine(run)).toBe('w1 op1 ok · w2 op1 integrity_error');
  });

  it('naive-save, serially: the second check sees the first row and nothing fails', async () => {
    const run = await withExplorer(database(), 'naive-save', (explorer) => replay(explorer, [1, 1, 2]));
    expect(interleavingLines(run).slice(0, 3)).toEqual(['w1 exists(k0) → false', 'w1 insert(k0) → ok', 'w2 exists(k0) → true']);
    expect(raceViolations(run)).toBe(0);
  });

  it('a duplicate INSERT waits for the other transaction, and fails when it commits (a blocked step)', async () => {
    const run = await withExplorer(database(), 'select-for-update', (explorer) => replay(explorer, [1, 2, 1, 2, 1, 2, 1]));
    expect(interleavingLines(run)).toEqual([
      'w1 begin → ok',
      'w2 begin → ok',
      'w1 existsForUpdate(k0) → false',
      'w2 existsForUpdate(k0) → false',
      'w1 insert(k0) → ok',
      'w2 insert(k0) <waiting ...>',
      'w1 commit → ok',
      'w2 insert(k0) <... completed> → 23505 duplicate key value violates unique constraint "django_session_pkey"',
      'w2 rollback → ok',
    ]);
  });

  it('under SERIALIZABLE, a transaction that read the key gets 40001, not 23505', async () => {
    const run = await withExplorer(database(), 'select-for-update', (explorer) =>
      replay(explorer, [1, 2, 1, 2, 1, 2, 1], { ...twoByOne, isolation: 'serializable' }),
    );
    const completed = interleavingLines(run).find((line) => line.startsWith('w2 insert(k0) <... completed>'));
    expect(completed).toBe('w2 insert(k0) <... completed> → 40001 could not serialize access due to read/write dependencies among transactions');
    expect(outcomesLine(run)).toBe('w1 op1 ok · w2 op1 serialization_failure');
  });

  it('the same schedule gives the same interleaving and outcomes 10 times out of 10', async () => {
    const runs = await withExplorer(database(), 'select-for-update', async (explorer) => {
      const all: string[] = [];
      for (let i = 0; i < 10; i++) {
        const run = await replay(explorer, [1, 2, 1, 2, 1, 2, 1]);
        all.push(`${interleavingLines(run).join('\n')}\n${outcomesLine(run)}`);
      }
      return all;
    });
    expect(new Set(runs).size).toBe(1);
  });

  it('refuses a schedule that releases a worker that cannot move', async () => {
    await withExplorer(database(), 'naive-save', async (explorer) => {
      await expect(replay(explorer, [1, 1, 1])).rejects.toThrow(new ScheduleError('--schedule step 3 releases w1, but only w2 can move then'));
      // The explorer stays usable after a refused schedule.
      expect(raceViolations(await replay(explorer, [1, 2, 1, 2]))).toBe(1);
    });
  });
});

describeEachServer('explore: the property search', (server) => {
  const database = connectedDatabase(server);

  it('shrinks naive-save to 2 workers, 1 op each, key space 1, and the four-step interleaving', async () => {
    const result = await withExplorer(database(), 'naive-save', (explorer) => searchForRace(explorer, { runs: 100, isolations: ISOLATIONS, seed: 7 }), 8);
    expect(result.failed).toBe(true);
    if (!result.failed) return;
    expect(result.counterexample).toMatchObject({ workers: 2, opsPerWorker: 1, keySpace: 1, choices: [] });
    expect(result.run.order).toEqual([0, 1, 0, 1]);
    expect(interleavingLines(result.run)).toHaveLength(4);
  });

  it('replays the reported failure from its seed and path', async () => {
    await withExplorer(
      database(),
      'naive-save',
      async (explorer) => {
        const first = await searchForRace(explorer, { runs: 100, isolations: ISOLATIONS, seed: 11 });
        if (!first.failed) throw new Error('expected a counterexample');
        const again = await searchForRace(explorer, { runs: 100, isolations: ISOLATIONS, seed: first.seed, path: first.path });
        expect(again.failed && again.counterexample).toEqual(first.counterexample);
      },
      8,
    );
  });

  it('Ctrl-C while it shrinks: the interruption carries the failing interleaving found, not yet shrunk, and how far it got', async () => {
    const controller = new AbortController();
    const failure = await withExplorer(
      database(),
      'naive-save',
      (explorer) => {
        // Ctrl-C right after the first interleaving that breaks the property, as shrinking begins.
        const run = explorer.run.bind(explorer);
        explorer.run = async (input, policy) => {
          const done = await run(input, policy);
          if (raceViolations(done) > 0) controller.abort();
          return done;
        };
        return searchForRace(explorer, { runs: 1_000, isolations: ISOLATIONS, seed: 7, signal: controller.signal }).catch((error: unknown) => error);
      },
      8,
    );
    expect(failure).toBeInstanceOf(ExploreInterrupted);
    const { progress } = failure as ExploreInterrupted;
    expect(progress).toMatchObject({ seed: 7, inputs: expect.any(Number) });
    expect(progress!.inputs).toBeGreaterThanOrEqual(1);
    expect(raceViolations(progress!.violation!)).toBeGreaterThan(0);
  });

  it('atomic-create holds for 50 generated inputs and schedules', async () => {
    const result = await withExplorer(database(), 'atomic-create', (explorer) => searchForRace(explorer, { runs: 50, isolations: ISOLATIONS, seed: 3 }), 8);
    expect(result).toMatchObject({ failed: false, numRuns: 50 });
    expect(!result.failed && result.interleavings).toBeGreaterThan(1);
  });

  it('finds that advisory-lock breaks under REPEATABLE READ when asked to look only there', async () => {
    const result = await withExplorer(
      database(),
      'advisory-lock',
      (explorer) => searchForRace(explorer, { runs: 100, isolations: ['repeatable-read'], seed: 5 }),
      8,
    );
    expect(result.failed && result.counterexample.isolation).toBe('repeatable-read');
  });
});

describeEachServer('explore: exhaustive enumeration', (server) => {
  const database = connectedDatabase(server);

  it('runs every interleaving of naive-save 2×1 once; only those that check twice before inserting fail', async () => {
    const runs: ExploreRun[] = [];
    const total = await withExplorer(database(), 'naive-save', (explorer) => enumerateInterleavings(explorer, twoByOne, (run) => runs.push(run)));
    expect(total).toBe(runs.length);
    const orders = runs.map((run) => run.order.join(''));
    expect(new Set(orders).size).toBe(total);
    // Both checks before the first insert: 1212, 1221, 2112, 2121.
    const failing = runs.filter((run) => raceViolations(run) > 0).map((run) => run.order.map((w) => w + 1).join(''));
    expect(failing.sort()).toEqual(['1212', '1221', '2112', '2121']);
  });
});
