import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { Ajv } from 'ajv';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { setTimeout as delay } from 'node:timers/promises';
import { runCli, shown, startCli } from './cli-process.ts';
import { fixturePath } from './run.ts';

let out: string;
beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'racelab-explore-test-'));
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

const db = () => ['--db', inject('embeddedUrl'), '--out', out];

describe('racelab explore', () => {
  it('naive-save: finds the race, shrinks it to the four-step interleaving, prints both replay commands, exits 0', async () => {
    const result = await runCli(['explore', 'naive-save', ...db()]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('shrunk');
    expect(result.stdout).toContain(
      [
        ' to 2 workers × 1 op, key space 1, autocommit:',
        '  w1 exists(k0) → false',
        '  w2 exists(k0) → false',
        '  w1 insert(k0) → ok',
        '  w2 insert(k0) → 23505 duplicate key value violates unique constraint "django_session_pkey"',
        'outcomes: w1 op1 ok · w2 op1 integrity_error',
      ].join('\n'),
    );
    // The replay commands name the database the run used: on another they would show another race.
    const named = `naive-save --db ${inject('embeddedUrl').replace(/:[^:@/]+@/, ':***@')}`;
    expect(result.stdout).toContain(`\nreplay:   racelab explore ${named} --seed `);
    expect(result.stdout).toMatch(/^replay: {3}racelab explore .* --seed \d+ --path "[\d:]+"$/m);
    expect(result.stdout).toContain(`schedule: racelab explore ${named} --schedule "workers=2 ops=1 keys=1 isolation=rc seed=0 order=1,2,1,2"`);
    expect(result.stdout).toContain('verdict: reproduced (as expected');
    const md = readFileSync(join(out, 'latest', 'report.md'), 'utf8');
    expect(md).toMatch(/^# racelab explore naive-save: reproduced \(as expected/);
    expect(md).toContain('  w2 insert(k0) → 23505 duplicate key value violates unique constraint "django_session_pkey"');
    expect(md).toContain(`racelab explore ${named} --schedule "workers=2 ops=1 keys=1 isolation=rc seed=0 order=1,2,1,2"`);
  });

  it('writes the full report set in a directory of its own: report.json with the counterexample, md, trac, junit, html', async () => {
    const own = join(out, 'own');
    const result = await runCli(['explore', 'naive-save', '--db', inject('embeddedUrl'), '--out', own]);
    expect(result.code).toBe(0);
    const dir = join(own, 'latest');
    expect(readdirSync(dir).sort()).toEqual(['junit.xml', 'report.html', 'report.json', 'report.md', 'report.trac.txt']);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    const validate = new Ajv({ strict: true, allErrors: true }).compile(JSON.parse(readFileSync('reports/explore-report.schema.json', 'utf8')));
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.verdict).toMatchObject({ reproduced: true, matchesExpectation: true });
    expect(report.counterexample.interleaving).toEqual([
      'w1 exists(k0) → false',
      'w2 exists(k0) → false',
      'w1 insert(k0) → ok',
      'w2 insert(k0) → 23505 duplicate key value violates unique constraint "django_session_pkey"',
    ]);
    expect(report.counterexample.replayCommand).toMatch(/^racelab explore naive-save --db postgres:\/\/\S+ --schedule "workers=2 ops=1 keys=1 isolation=rc seed=0 order=1,2,1,2"$/);
    expect(report.counterexample.samples[0].error.code).toBe('23505');
    expect(readFileSync(join(dir, 'report.trac.txt'), 'utf8')).toMatch(/^= racelab explore naive-save: reproduced/);
    expect(readFileSync(join(dir, 'junit.xml'), 'utf8')).toContain('<testcase classname="racelab.naive-save"');
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<h1>racelab explore naive-save: reproduced');
    // The counterexample as swimlanes: w2's insert failed, having run into w1's.
    const marked = [...html.matchAll(/<g class="statement" data-worker="(\d)" data-role="(\w+)"><title>w\d (op1 \w+\(k0\))/g)].map((m) => `w${m[1]} ${m[3]} ${m[2]}`);
    expect(marked).toEqual(['w1 op1 insert(k0) won', 'w2 op1 insert(k0) failed']);
  });

  it('the printed schedule replays the same interleaving', async () => {
    const result = await runCli(['explore', 'naive-save', '--schedule', 'workers=2 ops=1 keys=1 isolation=rc seed=0 order=1,2,1,2', ...db()]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('replaying 2 workers × 1 op, key space 1, autocommit:');
    expect(result.stdout).toContain('outcomes: w1 op1 ok · w2 op1 integrity_error');
  });

  it('on-conflict holds for 100 inputs and says how many interleavings held', async () => {
    const result = await runCli(['explore', 'on-conflict', ...db()]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/held for 100 inputs \(\d+ distinct interleavings\); seed \d+/);
    expect(result.stdout).toContain('verdict: holds (as expected');
  });

  it('a scenario whose statements racelab never sees: no evidence, exit 1, from explore and from the gate', async () => {
    const scenario = fixturePath('no-statements.race');
    const explored = await runCli(['explore', scenario, '--runs', '5', ...db()]);
    expect(explored.code, explored.stdout + explored.stderr).toBe(1);
    expect(explored.stdout).toMatch(/^5 inputs tried, none of which interleaved two workers' statements: .*; seed \d+$/m);
    expect(explored.stdout).toMatch(/^verdict: no evidence: no input interleaved two workers' statements/m);
    expect(explored.stdout).not.toMatch(/held for/);
    const gated = await runCli(['gate', '--scenario', scenario, '--ops', '20', '--explore-runs', '5', ...db()]);
    expect(gated.code, gated.stdout + gated.stderr).toBe(1);
    expect(gated.stdout).toMatch(/^NO EVIDENCE no-statements: expected safe, but no race window in 80 ops/m);
    expect(gated.stdout).toMatch(/^NO EVIDENCE search no-statements: 5 inputs tried, none of which interleaved two workers' statements: .*, so nothing was searched \(/m);
    expect(gated.stdout).toMatch(/^gate: NO EVIDENCE \(0 of 2 checks passed\)/m);
  });

  it('serializable-save --exhaustive prints every interleaving of 2 workers × 1 op with its outcome', async () => {
    const result = await runCli(['explore', 'serializable-save', '--exhaustive', ...db()]);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n').filter((line) => /^ *\d+\. /.test(line));
    const total = Number(/^(\d+) interleavings of 2 workers × 1 op, key space 1, serializable: 0 violate the property$/m.exec(result.stdout)?.[1]);
    expect(lines).toHaveLength(total);
    expect(total).toBeGreaterThan(10);
    for (const line of lines) expect(line).toMatch(/ ⇒ {2}w1 op1 \w+ · w2 op1 \w+$/);
    expect(result.stdout).toContain('40001 could not serialize access');
  });

  it('Ctrl-C: says it was interrupted and after how much, writes its reports marked interrupted, exits 130', async () => {
    const own = join(out, 'interrupted');
    // on-conflict holds, so a search of 100,000 inputs is still running when the signal comes.
    const { child, done } = startCli(['explore', 'on-conflict', '--runs', '100000', '--seed', '3', '--db', inject('embeddedUrl'), '--out', own]);
    await shown(child, 'exploring on-conflict', { ms: 30_000 });
    await delay(1_500);
    child.kill('SIGINT');
    const result = await done;
    expect(result.code, result.stderr).toBe(130);
    expect(result.stdout).toMatch(/^INTERRUPTED: Ctrl-C stopped the search after [\d,]+ inputs?, none of which broke the property \([\d,]+ distinct interleavings?\); seed 3$/m);
    expect(result.stdout).toContain('\nverdict: none: interrupted before it could decide, with no race found in what ran (on-conflict is expected safe)\n');
    expect(result.stdout).toMatch(/^rerun: {2}racelab explore on-conflict --db postgres:\/\/\S+ --seed 3 --runs 100000$/m);
    expect(result.stderr).toContain(`report: ${own}/`);
    const dir = join(own, 'latest');
    expect(readdirSync(dir).sort()).toEqual(['junit.xml', 'report.html', 'report.json', 'report.md', 'report.trac.txt']);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    const validate = new Ajv({ strict: true, allErrors: true }).compile(JSON.parse(readFileSync('reports/explore-report.schema.json', 'utf8')));
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report).toMatchObject({ interrupted: true, result: { verdict: 'interrupted' }, verdict: { matchesExpectation: null }, counterexample: null, searched: { seed: 3 }, commandLine: ['explore', 'on-conflict', '--runs', '100000', '--seed', '3', '--db', expect.stringContaining(':***@'), '--out', own] });
    expect(report.account[0]).toMatch(/^INTERRUPTED: /);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain('> **Interrupted** (Ctrl-C): the account covers only the interleavings that ran.');
    // As the exit code says: no pass in a JUnit view.
    expect(readFileSync(join(dir, 'junit.xml'), 'utf8')).toMatch(/tests="1" failures="0" errors="1"/);
  });

  it('a schedule that does not fit the run: one line, exit 2', async () => {
    const result = await runCli(['explore', 'naive-save', '--schedule', 'workers=2 ops=1 keys=1 isolation=rc seed=0 order=1,1,1', ...db()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('racelab explore: --schedule step 3 releases w1, but only w2 can move then\n');
  });

});
