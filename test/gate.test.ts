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
    const result = await runCli(['gate', ...db(), '--ops', '400', '--key-space', '16', '--out', out]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('rules: a safe scenario passes when it shows no violation');
    expect(result.stdout).toMatch(/^PASS naive-save: expected unsafe, reproduced: [\d.]+% \[/m);
    expect(result.stdout).toMatch(/^PASS atomic-create: expected safe, no violation in 1,600 ops \(< 0\.24% at 95%\)$/m);
    expect(result.stdout).toMatch(/^gate: PASS \(7 of 7 checks passed\)/m);
    // Plain lines on CI: no progress bar reached the log.
    expect(result.stderr).not.toContain('█');
    expect(readReport(out).scenarios).toHaveLength(7);
  });

  it('fails a scenario declared with the wrong expectation', async () => {
    const result = await runCli(['gate', ...db(), '--scenario', 'atomic-create', '--expect', 'atomic-create=unsafe', '--ops', '200', '--out', join(work, 'wrong')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^FAIL atomic-create: declared unsafe with --expect, but held: 0% \[0%, [\d.]+%\] in 800 ops$/m);
    expect(result.stdout).toMatch(/^gate: FAIL \(0 of 1 checks passed\)/m);
  });

  it('fails an unsafe scenario that no longer reproduces: the gate has lost its power', async () => {
    const result = await runCli(['gate', ...db(), '--scenario', 'naive-save', '--workers', '1', '--ops', '20', '--out', join(work, 'weak')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('FAIL naive-save: expected unsafe, but held in 20 ops: the gate has lost its power; raise --ops or shrink --key-space');
  });

  it('against a baseline: fails a reproduction that got significantly weaker, passes one that did not move', async () => {
    const first = join(work, 'first');
    const base = await runCli(['gate', ...db(), '--scenario', 'naive-save,atomic-create', '--ops', '400', '--key-space', '16', '--out', first]);
    expect(base.code).toBe(0);
    const same = await runCli(['gate', ...db(), '--scenario', 'atomic-create', '--ops', '400', '--key-space', '16', '--baseline', join(first, 'report.json'), '--out', join(work, 'same')]);
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(/^PASS baseline atomic-create: 0% now, 0% in the baseline: not comparable$/m);

    // A stored report in which naive-save failed half its ops: today's few percent is far weaker.
    const report = JSON.parse(readFileSync(join(first, 'report.json'), 'utf8'));
    report.scenarios[0].violations = report.scenarios[0].ops / 2;
    const strong = join(work, 'strong.json');
    writeFileSync(strong, JSON.stringify(report));
    const weaker = await runCli(['gate', ...db(), '--scenario', 'naive-save', '--ops', '400', '--key-space', '16', '--baseline', strong, '--out', join(work, 'weaker')]);
    expect(weaker.code).toBe(1);
    expect(weaker.stdout).toContain('two-proportion z-test (two-sided, α = 0.001)');
    expect(weaker.stdout).toMatch(/^FAIL baseline naive-save: [\d.]+% now, 50\.00% in the baseline \(z = -\d+\.\d+, p = [\d.e-]+\): worse$/m);
  });


  it('refuses a baseline that is not a racelab report', async () => {
    const file = join(work, 'package.json');
    writeFileSync(file, '{"name":"not-a-report"}');
    const result = await runCli(['gate', '--baseline', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`racelab gate: --baseline ${file} is not a racelab report.json\n`);
  });
});
