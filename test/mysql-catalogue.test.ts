/**
 * The catalogue on MariaDB/MySQL, through the CLI as a user runs it: what InnoDB does to each
 * scenario at each isolation level, checked against the expectations the scenarios declare for it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BUILT_IN_SCENARIOS } from '../scenarios/index.ts';
import { classifyError } from '../harness/classify.ts';
import type { OpenStore } from '../harness/contract/store.ts';
import { connectMysqlDatabase } from '../stores/mysql/database.ts';
import { startCli, within } from './cli-process.ts';
import { databasesOf, describeMysql, expectedMysqlExit, type ScenarioVerdict } from './mysql-server.ts';
import { readReport } from './report-file.ts';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'racelab-mysql-test-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

type ScenarioReport = ScenarioVerdict & { verdict: string };

async function reproduce(url: string, name: string, args: readonly string[]) {
  const out = join(work, name);
  const { child, done } = startCli(['reproduce', '--db', url, '--out', out, ...args]);
  const result = await done;
  const report = readReport(out);
  expect(result.code, result.stderr).toBe(expectedMysqlExit(report.scenarios));
  // Every database the run made is gone, whatever else runs on the server.
  expect(await databasesOf(url, child.pid!)).toEqual([]);
  return { report, stdout: result.stdout, byName: Object.fromEntries(report.scenarios.map((s: ScenarioReport) => [s.name, s])) as Record<string, ScenarioReport> };
}

describeMysql('the catalogue on MariaDB/MySQL', (url) => {
  it("atomic-create's one exposure on InnoDB: of two INSERTs of a key whose row a third connection is deleting, one ends in a deadlock (1213)", async () => {
    // What a worker's expiry does in autocommit for a moment, held here in a transaction so that
    // both INSERTs are seen waiting (the server's own lock-wait report) before it commits.
    const database = await connectMysqlDatabase('server', url);
    const target = await database.createRunSchema(`innodb_deadlock_p${process.pid}`);
    const open = (await import(database.storeModule)).default as OpenStore;
    const [deleter, first, second] = await Promise.all([open(target), open(target), open(target)]);
    try {
      const row = (data: string) => ({ key: 'k0', data, expireDate: new Date() });
      await deleter.insert(row('expiring'));
      await deleter.begin('read-committed');
      expect(await deleter.deleteOwned(row('expiring'))).toBe(true);
      const inserts = [first, second].map((store, i) => store.insert(row(`w${i + 1}`)).then(() => 'ok', (error: unknown) => classifyError(error)));
      const waiters = [first.backendPid, second.backendPid];
      expect(await within(10_000, async () => (await database.blockedBackends(waiters, [deleter.backendPid, ...waiters])).size === 2)).toBeLessThan(10_000);
      await deleter.commit();
      expect((await Promise.all(inserts)).sort()).toEqual(['deadlock', 'ok']);
    } finally {
      await Promise.all([deleter, first, second].map((store) => store.close()));
      await database.dropRunSchema(target);
      await database.stop();
    }
  });

  it('READ COMMITTED (Django’s level): naive-save and naive-upsert reproduce, with overwrites; select-for-update collides (1062); the fixes hold, but for InnoDB’s own deadlock of atomic-create', async () => {
    // bench/race-test-odds.ts, on MariaDB 10.11 over 8 runs of this config: at fewest naive-save
    // 70 duplicate keys, naive-upsert 33 overwritten sessions, select-for-update 34 duplicate keys.
    // P(any of them is 0 by chance) < 3·e^-33 < 10^-13.
    const { report, stdout, byName } = await reproduce(url, 'rc', ['--scenario', 'all', '--key-space', '16', '--ops', '700', '--seed', '7']);
    expect(Object.keys(byName)).toEqual(Object.keys(BUILT_IN_SCENARIOS));
    expect(report.database).toMatchObject({ kind: 'server', product: expect.stringMatching(/^(MariaDB|MySQL)$/) });
    expect(byName['naive-save']!.outcomes['integrity_error']).toBeGreaterThan(0);
    expect(byName['naive-upsert']!.outcomes['overwritten']).toBeGreaterThan(0);
    expect(byName['select-for-update']!.outcomes['integrity_error']).toBeGreaterThan(0);
    for (const name of ['serializable-save', 'on-conflict', 'advisory-lock']) expect(byName[name]!.violations, name).toBe(0);
    // atomic-create's one exposure on InnoDB, rare: a deadlock with an expiry's DELETE (expectedMysqlExit).
    expect(byName['atomic-create']!.violations).toBe(byName['atomic-create']!.outcomes['deadlock']);
    // The database's own words and number, as its client prints them.
    expect(stdout).toMatch(/First IntegrityError, as (MariaDB|MySQL) reported it \(naive-save[^\n]*\n {2}ERROR 1062 \(23000\): Duplicate entry '[a-z0-9]+' for key 'PRIMARY'/);
  });

  it('REPEATABLE READ (InnoDB’s default): select-for-update deadlocks (1213) instead of colliding, and GET_LOCK holds', async () => {
    // bench/race-test-odds.ts, over 8 runs of this config: at fewest 37 deadlocks, P(0) < e^-37 < 10^-16.
    const { byName } = await reproduce(url, 'rr', ['--scenario', 'select-for-update,advisory-lock', '--isolation', 'repeatable-read', '--clients', '16', '--ops', '125', '--key-space', '16']);
    const sfu = byName['select-for-update']!;
    expect(sfu.outcomes['deadlock']).toBeGreaterThan(0);
    // Under gap locks a check that passes holds the key's gap until commit: no INSERT can collide.
    expect(sfu.outcomes['integrity_error']).toBe(0);
    expect(byName['advisory-lock']!.violations).toBe(0);
  });

  it('SERIALIZABLE: select-for-update deadlocks as in REPEATABLE READ', async () => {
    // bench/race-test-odds.ts, over 8 runs of this config: at fewest 33 deadlocks, P(0) < e^-33 < 10^-14.
    // serializable-save, which always runs SERIALIZABLE, held in the READ COMMITTED run above.
    const { byName } = await reproduce(url, 'serializable', ['--scenario', 'select-for-update', '--isolation', 'serializable', '--clients', '16', '--ops', '125', '--key-space', '16']);
    expect(byName['select-for-update']!.outcomes['deadlock']).toBeGreaterThan(0);
  });
});
