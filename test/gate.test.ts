import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from './cli-process.ts';
import { readReport } from './report-file.ts';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'racelab-gate-test-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const db = () => ['--db', inject('embeddedUrl')];

describe('racelab gate', () => {
  it('passes on the default catalogue, stating its rules and how strong each "holds" is', async () => {
    const out = join(work, 'catalogue');
    // Needs the race to happen: bench/race-test-odds.ts measured, over 10 runs at this size,
    // at least 76 IntegrityErrors for naive-save at 4×400, K=16: P(none) < 10^-32.
    // A search of 25 inputs per safe scenario: the default 100 takes half a minute more on a busy machine.
    const result = await runCli(['gate', ...db(), '--ops', '400', '--key-space', '16', '--explore-runs', '25', '--out', out]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('rules: a safe scenario passes when the stress run shows no violation');
    expect(result.stdout).toMatch(/^PASS naive-save: expected unsafe, reproduced: [\d.]+% \[[\d.]+%, [\d.]+%\] per race window, [\d.]+% \[/m);
    expect(result.stdout).toMatch(/^PASS atomic-create: expected safe, no violation in 1,600 ops \([\d,]+ race windows\): below [\d.]+% per window at 95% confidence$/m);
    // The four scenarios expected safe are searched as well; the three that reproduced need no search.
    expect(result.stdout).toContain('search: up to 25 inputs or 60 s per scenario (--explore-runs, --explore-time)');
    expect(result.stdout).toMatch(/^PASS search atomic-create: no counterexample in 25 inputs \(\d+ distinct interleavings, [\d.]+ s; seed \d+\)$/m);
    expect(result.stdout).not.toMatch(/search naive-save/);
    expect(result.stdout).toMatch(/^gate: PASS \(11 of 11 checks passed\)/m);
    // Plain lines on CI: no progress bar reached the log.
    expect(result.stderr).not.toContain('█');
    expect(readReport(out).scenarios).toHaveLength(7);
    expect(readReport(out).searches.map((search: { scenario: string }) => search.scenario)).toEqual(['serializable-save', 'on-conflict', 'advisory-lock', 'atomic-create']);
  }, 180_000);

  it('fails a scenario declared with the wrong expectation', async () => {
    const result = await runCli(['gate', ...db(), '--scenario', 'atomic-create', '--expect', 'atomic-create=unsafe', '--ops', '200', '--out', join(work, 'wrong')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^FAIL atomic-create: declared unsafe with --expect, but held: 0% \[0%, [\d.]+%\] in 800 ops$/m);
    expect(result.stdout).toMatch(/^FAIL search atomic-create: no counterexample in 100 inputs .*: the gate has lost its power$/m);
    expect(result.stdout).toMatch(/^gate: FAIL \(0 of 2 checks passed\)/m);
  });

  it('gives no pass to an unsafe scenario that no longer reproduces when it may not search: no evidence, the gate has lost its power', async () => {
    // One worker never races anybody: no race window at all.
    const result = await runCli(['gate', ...db(), '--scenario', 'naive-save', '--workers', '1', '--ops', '20', '--explore-runs', '0', '--out', join(work, 'weak')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('no search (--explore-runs 0): the stress run alone decides');
    expect(result.stdout).toContain(
      'NO EVIDENCE naive-save: expected unsafe, but no race window in 20 ops: no two ops ever held a key at once, so the run says nothing about the race; more --clients, a smaller --key-space or more --ops open more windows',
    );
    expect(result.stdout).toMatch(/^gate: NO EVIDENCE \(0 of 1 check passed\)/m);
    const report = readReport(join(work, 'weak'));
    expect(report.result.verdict).toBe('no-evidence');
    expect(report.scenarios[0]).toMatchObject({ verdict: 'no-evidence', matchesExpectation: null });
  });

  // Needs the search to find the race: bench/race-test-odds.ts measured at least 35.9% per input,
  // so a 100-input search misses with odds below 5·10^-20.
  it('passes an unsafe scenario the stress run missed when the search finds its race', async () => {
    const result = await runCli(['gate', ...db(), '--scenario', 'naive-save', '--workers', '1', '--ops', '20', '--out', join(work, 'rescued')]);
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toMatch(/^PASS naive-save: expected unsafe, but no race window in 20 ops: .*; the search found it \(below\)$/m);
    expect(result.stdout).toMatch(/^PASS search naive-save: reproduced in [\d.]+ s: counterexample after \d+ inputs?, shrunk \d+ times? to 2 workers × 1 op, key space 1, autocommit:$/m);
  });

  // Needs the search to find the race every time: bench/race-test-odds.ts measured 1 to 4 inputs
  // until the first counterexample, at least 23.7% per input at 95%, so a 100-input search misses
  // with odds below 2·10^-12, and either of these 2 runs below 4·10^-12.
  it('fails a racy scenario declared safe in both of 2 runs at 2 workers × 200 ops, side by side, stress or search', async () => {
    const run = (i: number) =>
      runCli([
        'gate', ...db(), '--scenario', './examples/signup-check-then-insert.race.ts', '--expect', 'signup-check-then-insert=safe',
        '--workers', '2', '--ops', '200', '--out', join(work, `declared-safe-${i}`),
      ]);
    const results = [];
    // Two at a time: the machine has two cores.
    // Two runs: a 100-input search misses with odds below 2·10^-12 (bench/race-test-odds.ts), so
    // more runs would show nothing more; each run starts 8 explore threads, the suite's costliest
    // step, and CI's 15 minutes also hold the MariaDB tests.
    results.push(...(await Promise.all([run(0), run(1)])));
    for (const [i, result] of results.entries()) {
      expect(result.code, result.stdout + result.stderr).toBe(1);
      expect(result.stdout).toMatch(/^FAIL search signup-check-then-insert: expected safe, but violated in [\d.]+ s: counterexample after \d+ inputs?/m);
      expect(result.stdout).toMatch(/^ +replay: {3}racelab explore \.\/examples\/signup-check-then-insert\.race\.ts --db postgres:\/\/\S+ --seed \d+ --path "[\d:]+"$/m);
      expect(result.stdout).toMatch(/^ +w1 check\(user-[a-z0-9]{4}@example\.com \(k\d+\)\) → 0 rows$/m);
      // The files CI and maintainers read say what the exit code says: the search's failure.
      const out = join(work, `declared-safe-${i}`);
      const report = readReport(out);
      expect(report.result.verdict).toBe('fail');
      expect(report.result.checks.find((c: { kind: string }) => c.kind === 'search')).toMatchObject({ verdict: 'fail', scenario: 'signup-check-then-insert' });
      const junit = readFileSync(join(out, 'latest', 'junit.xml'), 'utf8');
      // The stress run may catch the race too (its own failure then), or hold in its race windows.
      expect(junit).toMatch(/<testsuites name="racelab" tests="2" failures="[12]" errors="0"/);
      expect(junit).toMatch(/<failure message="search signup-check-then-insert: expected safe, but violated in [\d.]+ s: counterexample after[^"]*" type="VerdictMismatch">[^<]*w1 check\(user-[a-z0-9]{4}@example\.com \(k\d+\)\) → 0 rows/);
      const title = readFileSync(join(out, 'latest', 'report.md'), 'utf8').split('\n')[0];
      expect(title).toMatch(/^# racelab report: FAIL \([01] of 2 checks passed\): .*signup-check-then-insert: the search found a counterexample, expected safe/);
    }
  }, 300_000);

  it('against a baseline: fails a reproduction that got significantly weaker, passes one that did not move', async () => {
    const first = join(work, 'first');
    const base = await runCli(['gate', ...db(), '--scenario', 'naive-save,atomic-create', '--ops', '400', '--key-space', '16', '--explore-runs', '0', '--out', first]);
    expect(base.code).toBe(0);
    const same = await runCli(['gate', ...db(), '--scenario', 'atomic-create', '--ops', '400', '--key-space', '16', '--explore-runs', '0', '--baseline', join(first, 'latest', 'report.json'), '--out', join(work, 'same')]);
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(/^PASS baseline atomic-create: both 0 violations, in 1,600 ops now and 1,600 in the baseline: unchanged$/m);
    // The rerun repeats what shaped the verdict: the search's budget, and the baseline by its copy.
    const rerun = readReport(join(work, 'same')).replayCommand;
    expect(rerun).toMatch(/ --explore-runs 0 --baseline \.\/baseline\.json --alpha 0\.001$/);
    expect(JSON.parse(readFileSync(join(work, 'same', 'latest', 'baseline.json'), 'utf8')).scenarios).toHaveLength(2);

    // A stored report in which naive-save failed half its ops: today's few percent is far weaker.
    const report = JSON.parse(readFileSync(join(first, 'latest', 'report.json'), 'utf8'));
    report.scenarios[0].violations = report.scenarios[0].ops / 2;
    const strong = join(work, 'strong.json');
    writeFileSync(strong, JSON.stringify(report));
    const weaker = await runCli(['gate', ...db(), '--scenario', 'naive-save', '--ops', '400', '--key-space', '16', '--explore-runs', '0', '--baseline', strong, '--out', join(work, 'weaker')]);
    expect(weaker.code).toBe(1);
    expect(weaker.stdout).toContain('two-proportion z-test (two-sided, α = 0.001)');
    expect(weaker.stdout).toMatch(/^FAIL baseline naive-save: [\d.]+% now, 50\.00% in the baseline \(z = -\d+\.\d+, p = [\d.e-]+\): worse$/m);
  });

  // Needs the race to happen: at 4×400, K=16 bench/race-test-odds.ts measured at least 76
  // IntegrityErrors for naive-save over 10 runs: P(none) < 10^-32.
  it('under GitHub Actions: appends its verdicts and first counterexample to the job summary, and an ::error line per failing check', async () => {
    const out = join(work, 'github');
    const summary = join(work, 'step-summary.md');
    const earlier = '### an earlier step\n\nits own summary, which the gate must keep\n';
    writeFileSync(summary, earlier);
    const result = await runCli(
      ['gate', ...db(), '--scenario', 'naive-save', '--expect', 'naive-save=safe', '--ops', '400', '--key-space', '16', '--explore-runs', '0', '--out', out],
      { env: { GITHUB_STEP_SUMMARY: summary, GITHUB_ACTIONS: 'true' } },
    );
    // The exit code is the decision's, as report.json states it.
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(readReport(out).result.verdict).toBe('fail');
    expect(result.stderr).not.toContain('summary was not written');
    const written = readFileSync(summary, 'utf8');
    expect(written.startsWith(earlier)).toBe(true);
    const own = written.slice(earlier.length);
    expect(own).toMatch(/^\n## racelab gate: FAIL \(0 of 1 check passed\)\n\nPostgreSQL [\d.]+ \(server\) · seed \d+\n/);
    expect(own).toMatch(/^\| naive-save \| \*\*FAIL\*\* \| [\d.]+% \[[\d.]+%, [\d.]+%\] \| [\d.]+% \[[\d.]+%, [\d.]+%\] \| [\d,]+ \| declared safe with --expect, but reproduced: /m);
    expect(own).toContain('### First failing check: naive-save reproduced, expected safe');
    // The database's own words, as report.md has them, and the rerun.
    expect(own).toMatch(/^ERROR: {2}duplicate key value violates unique constraint "django_session_pkey"\nSQLSTATE: 23505\n/m);
    const reportMd = readFileSync(join(out, 'latest', 'report.md'), 'utf8');
    expect(reportMd).toContain(own.slice(own.indexOf('```text'), own.indexOf('```', own.indexOf('```text') + 3) + 3));
    expect(own).toContain(`\`\`\`sh\n${readReport(out).replayCommand}\n\`\`\`\n`);
    // One ::error line for the one failing check, beside the gate's own line for it.
    const errors = result.stdout.split('\n').filter((line) => line.startsWith('::'));
    expect(errors).toHaveLength(1);
    const gateLine = result.stdout.split('\n').find((line) => line.startsWith('FAIL naive-save: '))!;
    expect(errors[0]).toBe(`::error title=racelab gate FAIL%3A naive-save::${gateLine.replace(/%/g, '%25')}`);
  });

  it('tells GitHub why it ended when it ended without a decision: the line and code of its exit', async () => {
    const summary = join(work, 'failure-summary.md');
    writeFileSync(summary, 'earlier\n');
    const result = await runCli(['gate', '--alpha', '7'], { env: { GITHUB_STEP_SUMMARY: summary, GITHUB_ACTIONS: 'true' } });
    expect(result.code).toBe(2);
    const line = 'racelab gate: --alpha must be a number from 0 to 0.5, got "7"';
    expect(result.stderr).toBe(`${line}\n`);
    expect(result.stdout).toBe(`::error title=racelab gate%3A bad usage (exit 2)::${line}\n`);
    expect(readFileSync(summary, 'utf8')).toBe(`earlier\n\n## racelab gate: bad usage (exit 2)\n\nNo check was decided.\n\n\`\`\`text\n${line}\n\`\`\`\n`);
  });

  it('refuses a baseline that is not a racelab report', async () => {
    const file = join(work, 'package.json');
    writeFileSync(file, '{"name":"not-a-report"}');
    const result = await runCli(['gate', '--baseline', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`racelab gate: --baseline ${file} is not a racelab report.json\n`);
  });
});
