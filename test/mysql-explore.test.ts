/**
 * Explore on MariaDB/MySQL: the same turnstile as on PostgreSQL, with lock waits seen from the
 * server (SHOW ENGINE INNODB STATUS, stores/mysql/lock-waits.ts). Schedules fix every
 * interleaving, so these tests need no race to happen by chance.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ExploreRun } from '../harness/explore/explore-run.ts';
import { interleavingLines, outcomesLine } from '../reports/interleaving.ts';
import type { Database } from '../harness/contract/store.ts';
import { connectMysqlDatabase } from '../stores/mysql/database.ts';
import { runCli } from './cli-process.ts';
import { describeMysql } from './mysql-server.ts';
import { replay, twoByOne, withExplorer } from './explorers.ts';

describeMysql('explore on MariaDB/MySQL', (url) => {
  let database: Database;
  let work: string;
  beforeAll(async () => {
    database = await connectMysqlDatabase('server', url);
    work = mkdtempSync(join(tmpdir(), 'racelab-mysql-explore-'));
  });
  afterAll(async () => {
    await database?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  /** Replays `order` `times` times on one explorer: each run on a fresh table. */
  const replayed = (scenario: string, order: readonly number[], input = twoByOne, times = 1): Promise<ExploreRun[]> =>
    withExplorer(
      database,
      scenario,
      async (explorer) => {
        const runs: ExploreRun[] = [];
        for (let i = 0; i < times; i++) runs.push(await replay(explorer, order, input));
        return runs;
      },
      input.workers,
    );

  it('the search shrinks naive-save to 2 workers × 1 op, key space 1, four steps, and the printed schedule replays it', async () => {
    const out = join(work, 'search');
    const result = await runCli(['explore', 'naive-save', '--db', url, '--seed', '1', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/counterexample after \d+ inputs?, shrunk \d+ times? to 2 workers × 1 op, key space 1, autocommit:\n {2}w1 exists\(k0\) → false\n {2}w2 exists\(k0\) → false\n {2}w1 insert\(k0\) → ok\n {2}w2 insert\(k0\) → 1062 Duplicate entry '[a-z0-9]+' for key 'PRIMARY'\n/);
    // The replay commands name the database, or they would replay on PostgreSQL.
    expect(result.stdout).toContain(`schedule: racelab explore naive-save --db ${url} --schedule "workers=2 ops=1 keys=1 isolation=rc seed=0 order=1,2,1,2"`);
  });

  it('that four-step interleaving gives the same 1062 ten times out of ten', async () => {
    const runs = await replayed('naive-save', [1, 2, 1, 2], twoByOne, 10);
    for (const run of runs) {
      expect(interleavingLines(run).map((line) => line.replace(/'[a-z0-9]+'/, "'K'"))).toEqual([
        'w1 exists(k0) → false',
        'w2 exists(k0) → false',
        'w1 insert(k0) → ok',
        "w2 insert(k0) → 1062 Duplicate entry 'K' for key 'PRIMARY'",
      ]);
      expect(outcomesLine(run)).toBe('w1 op1 ok · w2 op1 integrity_error');
    }
  });

  it("under REPEATABLE READ, both FOR UPDATE checks take the gap; the first INSERT waits for the other's gap lock, and InnoDB ends the cycle with 1213", async () => {
    const [run] = await replayed('select-for-update', [1, 2, 1, 2, 1, 2], { ...twoByOne, isolation: 'repeatable-read' });
    const lines = interleavingLines(run!);
    expect(lines.slice(0, 5)).toEqual(['w1 begin → ok', 'w2 begin → ok', 'w1 existsForUpdate(k0) → false', 'w2 existsForUpdate(k0) → false', 'w1 insert(k0) <waiting ...>']);
    // InnoDB picks the victim by the transactions' weight: either insert may be the one refused.
    expect(lines.filter((line) => line.includes('1213 Deadlock found when trying to get lock'))).toHaveLength(1);
    expect(outcomesLine(run!)).toMatch(/^w1 op1 (ok|deadlock) · w2 op1 (ok|deadlock)$/);
    expect(outcomesLine(run!)).toContain('deadlock');
  });

  it('under READ COMMITTED there is no gap lock: the second INSERT waits for the first row and fails with 1062', async () => {
    const [run] = await replayed('select-for-update', [1, 2, 1, 2, 1, 2, 1]);
    expect(interleavingLines(run!).map((line) => line.replace(/'[a-z0-9]+'/, "'K'"))).toEqual([
      'w1 begin → ok',
      'w2 begin → ok',
      'w1 existsForUpdate(k0) → false',
      'w2 existsForUpdate(k0) → false',
      'w1 insert(k0) → ok',
      'w2 insert(k0) <waiting ...>',
      'w1 commit → ok',
      "w2 insert(k0) <... completed> → 1062 Duplicate entry 'K' for key 'PRIMARY'",
      'w2 rollback → ok',
    ]);
  });

  it('the exhaustive mode lists every interleaving of select-for-update under REPEATABLE READ, the deadlocks among them', async () => {
    const result = await runCli(['explore', 'select-for-update', '--exhaustive', '--isolation', 'repeatable-read', '--db', url, '--out', join(work, 'exhaustive')]);
    expect(result.code, result.stderr + result.stdout.slice(-2000)).toBe(0);
    expect(result.stdout).toMatch(/<waiting \.\.\.> · w[12] insert\(k0\) → (ok|1213 Deadlock found when trying to get lock; try restarting transaction)/);
    expect(result.stdout).toContain('⇒  w1 op1 deadlock · w2 op1 ok  ✗');
    // As on MariaDB 10.11, six enumerations of six alike: each deadlock ends a branch early.
    expect(result.stdout).toContain('\n42 interleavings of 2 workers × 1 op, key space 1, repeatable-read: 24 violate the property\n');
  });
});
