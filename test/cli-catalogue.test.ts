import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BUILT_IN_SCENARIOS } from '../scenarios/index.ts';
import { runCli } from './cli-process.ts';
import { runMain } from './cli-in-process.ts';
import { readReport } from './report-file.ts';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'racelab-cli-test-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('racelab reproduce --scenario all', () => {
  it('at K=16 with 4 workers: the unsafe ones reproduce, the safe ones hold, exit 0', async () => {
    const out = join(work, 'all');
    // Needs every unsafe scenario to reproduce: at 4×400 ops (fewer than here) bench/race-test-odds.ts
    // measured at least 37 violations each over 10 runs: P(any misses) < 4·e^-37 < 10^-15.
    const result = await runCli(['reproduce', '--scenario', 'all', '--key-space', '16', '--ops', '500', '--seed', '3', '--out', out]);
    expect(result.stderr).not.toContain('EXPECTED');
    expect(result.code).toBe(0);
    const report = readReport(out);
    const byName = Object.fromEntries(report.scenarios.map((s: { name: string }) => [s.name, s]));
    expect(Object.keys(byName)).toEqual(Object.keys(BUILT_IN_SCENARIOS));
    expect(byName['naive-upsert'].outcomes.overwritten).toBeGreaterThan(0);
    expect(byName['select-for-update'].outcomes.integrity_error).toBeGreaterThan(0);
    for (const name of ['serializable-save', 'on-conflict', 'advisory-lock', 'atomic-create']) expect(byName[name].violations).toBe(0);
    expect(report.config).toMatchObject({ keys: 'shrunk', keySpace: 16, isolation: 'read-committed' });
    expect(report.expectation.racingDrawsBound).toBeCloseTo((2000 * 3) / 12, 6);
    expect(result.stdout).toContain('First overwritten session, with no error raised (naive-upsert');
  });
});

describe('racelab reproduce --keys django', () => {
  it('does not reproduce, says how unlikely that was, and exits 1: no race window is no evidence either way', async () => {
    const result = await runCli(['reproduce', '--keys', 'django', '--ops', '200', '--out', join(work, 'django')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/verdict\s+no evidence \(no race window\)\s+no evidence \(no race window\)/);
    expect(result.stdout).toContain('the first repeated key\n  of all time is expected after ≈1.0·10^25 sessions');
    expect(result.stderr).toMatch(
      /^NO EVIDENCE naive-save: expected unsafe, but no race window in 800 ops: no two ops ever held a key at once, so the run says nothing about the race; with the real key space chance alone predicts ≈[0-9.]+·10\^-\d+ same-key draws in this run; use --keys shrunk or --keys same-seed to see the race$/m,
    );
  });
});

describe('racelab list', () => {
  it('prints every scenario with its expectation, why and origin', async () => {
    const result = await runCli(['list']);
    expect(result.code).toBe(0);
    for (const name of Object.keys(BUILT_IN_SCENARIOS)) expect(result.stdout).toMatch(new RegExp(`^${name}  \\(expected (un)?safe`, 'm'));
    expect(result.stdout).toContain('under repeatable-read: expected unsafe');
  });

  it("--db with a MySQL URL lists MySQL's expectations and reasons, reaching no server", async () => {
    // Port 1: nothing listens there, so the listing must come from the URL's scheme alone.
    const result = await runCli(['list', '--db', 'mysql://root@127.0.0.1:1/test']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^on MySQL and MariaDB:/);
    expect(result.stdout).toContain('under repeatable-read: expected unsafe: FOR UPDATE on an absent key takes a gap lock');
    expect(result.stdout).toMatch(/^advisory-lock {2}\(expected safe; takes --isolation\)\n {2}why: {4}GET_LOCK serialises/m);
    expect(result.stdout).not.toContain('the snapshot is taken by the lock statement');
  });

  it('--sql prints the statements one op sends, in order, as the database ran them', async () => {
    const result = await runCli(['list', '--sql', 'naive-upsert', '--db', inject('embeddedUrl')]);
    expect(result.code).toBe(0);
    const statements = result.stdout.split('\n').filter((line) => /^ *\d+\. /.test(line));
    expect(statements.map((line) => line.trim().split(' ')[1])).toEqual(['SELECT', 'UPDATE', 'INSERT']);
    expect(result.stdout).toMatch(/UPDATE "racelab_[a-z0-9_]+"\."django_session" SET/);
    expect(result.stdout).toContain('→ 0 rows');
    expect(result.stdout).toContain('→ 1 row');
  });

  it('--sql takes a scenario file, as reproduce --scenario does, and prints the statements of its op', async () => {
    const example = './examples/signup-check-then-insert.race.ts';
    const result = await runMain(['list', '--sql', example, '--db', inject('embeddedUrl')], { cwd: fileURLToPath(new URL('..', import.meta.url)) });
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toMatch(new RegExp(`^${example.replace(/\./g, '\\.')}: the statements of one op on an empty table \\(PostgreSQL `));
    const statements = result.stdout.split('\n').filter((line) => /^ *\d+\. /.test(line));
    expect(statements.map((line) => line.trim().split(' ')[1])).toEqual(['SELECT', 'INSERT']);
    expect(result.stdout).toContain('INSERT INTO users (email, created_by) VALUES ($1, $2)');
  });
});
