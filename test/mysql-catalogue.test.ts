/**
 * The catalogue on MariaDB/MySQL, through the CLI as a user runs it: what InnoDB does to each
 * scenario at each isolation level, checked against the expectations the scenarios declare for it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BUILT_IN_SCENARIOS } from '../scenarios/index.ts';
import { startCli } from './cli-process.ts';
import { databasesOf, describeMysql } from './mysql-server.ts';
import { readReport } from './report-file.ts';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'racelab-mysql-test-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

type ScenarioReport = { name: string; verdict: string; violations: number; outcomes: Record<string, number>; scenario?: unknown };

async function reproduce(url: string, name: string, args: readonly string[]) {
  const out = join(work, name);
  const { child, done } = startCli(['reproduce', '--db', url, '--out', out, ...args]);
  const result = await done;
  expect(result.stderr).not.toContain('EXPECTED');
  expect(result.code, result.stderr).toBe(0);
  const report = readReport(out);
  // Every database the run made is gone, whatever else runs on the server.
  expect(await databasesOf(url, child.pid!)).toEqual([]);
  return { report, stdout: result.stdout, byName: Object.fromEntries(report.scenarios.map((s: ScenarioReport) => [s.name, s])) as Record<string, ScenarioReport> };
}

describeMysql('the catalogue on MariaDB/MySQL', (url) => {
  it('READ COMMITTED (Django’s level): naive-save and naive-upsert reproduce, with overwrites; select-for-update collides (1062); the fixes hold; exit 0', async () => {
    // bench/race-test-odds.ts, on MariaDB 10.11 over 8 runs of this config: at fewest naive-save
    // 70 duplicate keys, naive-upsert 33 overwritten sessions, select-for-update 34 duplicate keys.
    // P(any of them is 0 by chance) < 3·e^-33 < 10^-13.
    const { report, stdout, byName } = await reproduce(url, 'rc', ['--scenario', 'all', '--key-space', '16', '--ops', '700', '--seed', '7']);
    expect(Object.keys(byName)).toEqual(Object.keys(BUILT_IN_SCENARIOS));
    expect(report.database).toMatchObject({ kind: 'server', product: expect.stringMatching(/^(MariaDB|MySQL)$/) });
    expect(byName['naive-save']!.outcomes['integrity_error']).toBeGreaterThan(0);
    expect(byName['naive-upsert']!.outcomes['overwritten']).toBeGreaterThan(0);
    expect(byName['select-for-update']!.outcomes['integrity_error']).toBeGreaterThan(0);
    for (const name of ['serializable-save', 'on-conflict', 'advisory-lock', 'atomic-create']) expect(byName[name]!.violations, name).toBe(0);
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
