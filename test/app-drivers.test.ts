/**
 * A scenario's own application code, through its own pool: what each command makes of the
 * statements racelab intercepts, and of those it cannot (postgres.js).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from './cli-process.ts';
import { readReport } from './report-file.ts';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'racelab-app-drivers-test-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const POSTGRES_JS = 'test/fixtures/postgresjs-profile.race.ts';
const PG_POOL = 'test/fixtures/pg-pool-profile.race.ts';
const db = () => ['--db', inject('embeddedUrl')];

describe('statements through a driver racelab does not intercept (postgres.js)', () => {
  it('explore gives no "holds": no evidence, exit 1, naming the statements and what racelab does see', async () => {
    const out = join(work, 'explore-postgresjs');
    const result = await runCli(['explore', POSTGRES_JS, ...db(), '--runs', '10', '--out', out]);
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(result.stdout).toMatch(/^verdict: no evidence: \d+ statements the ops sent went around racelab, which can neither time nor schedule them \(among them: `select 1 from profiles where user_id = \$1`\): sent through a driver racelab does not intercept; on this database it sees and schedules pg/m);
    expect(result.stdout).not.toMatch(/verdict: holds/);
    const report = JSON.parse(readFileSync(join(out, 'latest', 'report.json'), 'utf8'));
    expect(report.result.verdict).toBe('no-evidence');
    expect(report.uncontrolled.examples).toContain('insert into profiles (user_id, name) values ($1, $2)');
  });

  it('the gate passes neither its stress run nor its search', async () => {
    const out = join(work, 'gate-postgresjs');
    const result = await runCli(['gate', '--scenario', POSTGRES_JS, ...db(), '--ops', '50', '--explore-runs', '10', '--out', out]);
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(result.stdout).toMatch(/^NO EVIDENCE postgresjs-profile: expected safe, but no evidence: \d+ statements the ops sent went around racelab/m);
    expect(result.stdout).toMatch(/^NO EVIDENCE search postgresjs-profile: held for 10 inputs, but no evidence/m);
    expect(result.stdout).not.toMatch(/^PASS/m);
    expect(readReport(out).scenarios[0].uncontrolled.count).toBeGreaterThan(0);
  });
});

describe("an application's own node-postgres pool", () => {
  it("explore shrinks its race to 2 workers × 1 op, with the application's SQL in each step", async () => {
    // fast-check's first inputs find it: 20 runs of this search (PostgreSQL 15) needed 1 input 16
    // times and 2 inputs 4 times, against a budget of 50.
    const result = await runCli(['explore', PG_POOL, ...db(), '--runs', '50', '--out', join(work, 'explore-pool')]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/shrunk \d+ times? to 2 workers × 1 op, key space 1, autocommit:/);
    expect(result.stdout).toContain('w1 select(k0) → 0 rows  SELECT 1 FROM profiles WHERE user_id = $1');
    expect(result.stdout).toMatch(/w2 insert\(k0\) → 23505 duplicate key value violates unique constraint "profiles_user_id_key"  INSERT INTO profiles \(user_id, name\) VALUES \(\$1, \$2\)/);
    expect(result.stdout).toContain('verdict: reproduced (as expected');
  });

  it("sees a step wait for another's lock on a connection of the application's pool, not racelab's", async () => {
    // w2's INSERT waits for w1's uncommitted row on the pool's connection: the coordinator must ask
    // the server about that connection to release w1's COMMIT, or the replay stalls for 10 s and breaks.
    const schedule = 'workers=2 ops=1 keys=1 isolation=rc seed=0 order=1,2,1,2,1,2';
    const result = await runCli(['explore', 'test/fixtures/pg-pool-transaction.race.ts', ...db(), '--schedule', schedule, '--out', join(work, 'explore-wait')]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const lines = result.stdout.split('\n').map((line) => line.replace(/  [A-Z].*$/, ''));
    expect(lines).toEqual(
      expect.arrayContaining([
        '  w2 insert(k0) <waiting ...>',
        '  w1 commit(k0) → 0 rows',
        '  w2 insert(k0) <... completed> → 23505 duplicate key value violates unique constraint "profiles_user_id_key"',
      ]),
    );
    const waiting = lines.indexOf('  w2 insert(k0) <waiting ...>');
    expect(lines.slice(waiting, waiting + 3)).toEqual(['  w2 insert(k0) <waiting ...>', '  w1 commit(k0) → 0 rows', expect.stringContaining('w2 insert(k0) <... completed> → 23505')]);
  });

  it('reproduce counts its 23505 as the IntegrityError it is, and --history keeps each statement with its rows', async () => {
    const out = join(work, 'reproduce-pool');
    // 4 × 300 ops on 16 keys: 20 runs (12 on PostgreSQL 15, 8 on the embedded 18) gave at least 33
    // IntegrityErrors each; a run with none is not a chance worth a number.
    const result = await runCli(['reproduce', '--scenario', PG_POOL, ...db(), '--ops', '300', '--key-space', '16', '--history', '--out', out]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const [scenario] = readReport(out).scenarios;
    expect(scenario).toMatchObject({ verdict: 'reproduced', brokenBy: null });
    expect(scenario.outcomes.integrity_error).toBeGreaterThan(0);
    expect(scenario.outcomes.error).toBe(0);
    expect(scenario.firstLoudViolation.error).toMatchObject({ code: '23505' });
    expect(result.stdout).toMatch(/insert\(k\d+\) → 23505 duplicate key value violates/);
    const ops = readFileSync(join(out, 'latest', 'history-pg-pool-profile.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    const failed = ops.find((op) => op.type === 'fail');
    expect(failed.statements).toEqual([
      { sql: 'SELECT 1 FROM profiles WHERE user_id = $1', result: '0 rows' },
      { sql: 'INSERT INTO profiles (user_id, name) VALUES ($1, $2)', result: expect.stringMatching(/^23505 duplicate key value violates unique constraint/) },
    ]);
  });
});
