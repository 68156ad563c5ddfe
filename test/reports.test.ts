import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CHROMIUM, renderInChromium } from './chromium.ts';
import { runCli } from './cli-process.ts';
import { readReport } from './report-file.ts';
import { TOOL } from '../run/tool-info.ts';
import { toolSource } from '../run/tool-source.ts';
import { racelabSource } from '../reports/rerun-words.ts';

let work: string;
let out: string;
let sweepOut: string;
const password = () => new URL(inject('embeddedUrl')).password;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'racelab-reports-test-'));
  out = join(work, 'run');
  sweepOut = join(work, 'sweep');
  const scenarios = ['--scenario', 'naive-save,naive-upsert,atomic-create'];
  const [run, sweep] = await Promise.all([
    // Both need naive-save and naive-upsert to reproduce: bench/race-test-odds.ts measured, over 10 runs,
    // at least 35 overwrites at 4×400 and 22 at 4×300, K=16 (the sweep's weakest point): P(none) < 10^-9.
    runCli(['reproduce', ...scenarios, '--db', inject('embeddedUrl'), '--ops', '400', '--key-space', '16', '--seed', '5', '--out', out]),
    runCli(['reproduce', ...scenarios, '--db', inject('embeddedUrl'), '--ops', '300', '--sweep', 'key-space=4,8,16', '--seed', '5', '--out', sweepOut]),
  ]);
  expect(run.code, run.stderr).toBe(0);
  expect(sweep.code, sweep.stderr).toBe(0);
  expect(sweep.stdout).toMatch(/scenario\s+key-space=4\s+key-space=8\s+key-space=16/);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('report.json', () => {
  it('is valid against reports/report.schema.json, with and without a sweep', () => {
    const report = readReport(out);
    expect(report.scenarios.map((s: { name: string }) => s.name)).toEqual(['naive-save', 'naive-upsert', 'atomic-create']);
    const swept = readReport(sweepOut);
    expect(swept.sweep).toEqual({ parameter: 'key-space', values: [4, 8, 16] });
    expect(swept.scenarios).toHaveLength(9);
    expect(swept.scenarios.map((s: { sweep: { value: number } }) => s.sweep.value)).toEqual([4, 4, 4, 8, 8, 8, 16, 16, 16]);
  });

  it('every collision timeline is consistent: ordered by start, and the failing statement ends after the winning one began', () => {
    const reports = [readReport(out), readReport(sweepOut)];
    const timelines = reports.flatMap((report) =>
      report.scenarios.map((s: any) => s.firstLoudViolation).filter((sample: any) => sample?.outcome === 'integrity_error' && sample.timeline),
    );
    // naive-save and naive-upsert collide at every point of both runs (see beforeAll's odds).
    expect(timelines.length).toBeGreaterThanOrEqual(4);
    for (const timeline of timelines.map((sample: any) => sample.timeline)) {
      for (const [i, entry] of timeline.entries()) {
        expect(entry.endMs).toBeGreaterThanOrEqual(entry.atMs);
        if (i > 0) expect(entry.atMs).toBeGreaterThanOrEqual(timeline[i - 1].atMs);
      }
      const failed = timeline.find((e: any) => e.role === 'failed');
      const won = timeline.find((e: any) => e.role === 'won');
      expect(failed.result).toMatch(/^23505 /);
      expect(won, JSON.stringify(timeline)).toBeDefined();
      expect(`${won.worker}:${won.op}`).not.toBe(`${failed.worker}:${failed.op}`);
      expect(failed.endMs).toBeGreaterThanOrEqual(won.atMs);
    }
  });

  it('counts race windows per scenario: at least one per violation, and the rate per window', () => {
    for (const scenario of readReport(out).scenarios) {
      expect(scenario.windows).toBeGreaterThanOrEqual(scenario.violations);
      expect(scenario.windowRate.value).toBeCloseTo(scenario.windows === 0 ? 0 : scenario.violations / scenario.windows, 10);
      expect(scenario.savesSessions).toBe(true);
    }
  });

  it('carries the timeline of the first collision: the failing insert, and another op on its key', () => {
    const sample = readReport(out).scenarios[0].firstLoudViolation;
    const failing = sample.timeline.find((e: { worker: number; op: number; step: string }) => e.worker === sample.worker && e.op === sample.op && e.step === 'insert');
    expect(failing.result).toMatch(/^23505 duplicate key value violates unique constraint/);
    expect(sample.timeline.some((e: { worker: number }) => e.worker !== sample.worker)).toBe(true);
  });
});

describe('report.md', () => {
  const md = () => readFileSync(join(out, 'latest', 'report.md'), 'utf8');

  it('opens with a verdict sentence per scenario, then the table', () => {
    expect(md()).toMatch(/^# racelab report: PASS \(3 of 3 checks passed\): naive-save, naive-upsert reproduced; atomic-create held\n/);
    expect(md()).toMatch(/- \*\*naive-save\*\* reproduced the race: \d+ IntegrityError in 1,600 ops, a violation rate of [\d.]+% \[[\d.]+%, [\d.]+%\] per op and [\d.]+% \[[\d.]+%, [\d.]+%\] per race window \([\d,]+ windows; /);
    expect(md()).toMatch(/- \*\*atomic-create\*\* holds: no violation in 1,600 ops \([\d,]+ race windows\): below [\d.]+% per window at 95% confidence; as expected/);
    expect(md()).toContain('| scenario | expected | isolation | ops | ok | IntegrityError |');
    expect(md()).toContain('| race windows | violations per op [95% CI] | per race window [95% CI] | verdict |');
    expect(md()).toContain('A race window is an op whose hold on a key');
  });

  it('says what was run and how to rerun it, with no password anywhere', () => {
    expect(md()).toContain(`on Node ${process.version}`);
    expect(md()).toMatch(/- PostgreSQL \d+\.\d+ \(server; --db postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres\)/);
    // Where this racelab comes from (a checkout's commit, here), and never an npx version the registry lacks.
    expect(md()).toContain(`\n- ${racelabSource({ ...TOOL, source: toolSource() })}\n`);
    expect(md()).not.toContain('npx racelab@');
    expect(md()).toMatch(/^- command as given: `racelab reproduce --scenario naive-save,naive-upsert,atomic-create --db 'postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres' --ops 400 /m);
    expect(md()).toContain('```sh\nracelab reproduce --db postgres://postgres:***@127.0.0.1:');
    expect(md().indexOf('Get racelab: ')).toBeLessThan(md().indexOf('```sh\nracelab reproduce'));
    expect(md()).toContain('--seed 5');
    for (const file of ['report.md', 'report.json', 'junit.xml', 'report.html', 'report.trac.txt']) {
      expect(readFileSync(join(out, 'latest', file), 'utf8')).not.toContain(password());
    }
  });

  it("shows the first IntegrityError in the database's own words and a timeline of both ops on its key", () => {
    const text = md();
    expect(text).toContain('### naive-save: first IntegrityError, as PostgreSQL reported it');
    expect(text).toContain('SQLSTATE: 23505');
    expect(text).toMatch(/DETAIL: {2}Key \(session_key\)=\([a-z0-9]{32}\) already exists\./);
    const section = text.slice(text.indexOf('### naive-save: first IntegrityError'));
    const timeline = section.slice(section.indexOf('Timeline'), section.indexOf('###', 10));
    expect(timeline).toContain('start ms    end ms  statement (one clock for every worker; ordered by start)');
    const steps = timeline.split('\n').filter((line) => /^ *\+\d+\.\d{3} +\+\d+\.\d{3} {2}w\d+ op\d+/.test(line));
    const workers = new Set(steps.map((line) => /w(\d+) op/.exec(line)![1]));
    expect(workers.size).toBeGreaterThanOrEqual(2);
    expect(steps.some((line) => /insert\(k\d+\) → ok +◀ won/.test(line))).toBe(true);
    expect(steps.some((line) => /insert\(k\d+\) → 23505 duplicate key.* ✗ failed/.test(line))).toBe(true);
  });

  it('shows a silent overwrite with whose data the row holds', () => {
    expect(md()).toMatch(/### naive-upsert: first (overwritten|lost) session, with no error raised/);
    expect(md()).toMatch(/op wrote: {4}\{"owner":"w\d+:op\d+"\}/);
  });

  it('ends with what chance predicts and the production extrapolation', () => {
    expect(md()).toContain('## What chance predicts');
    expect(md()).toContain('production: with Django');
  });
});

describe('report.trac.txt', () => {
  it('renders the evidence in Trac wiki syntax: a table, code blocks, headings, no Markdown left', () => {
    const trac = readFileSync(join(out, 'latest', 'report.trac.txt'), 'utf8');
    expect(trac).toMatch(/^= racelab report: PASS \(3 of 3 checks passed\): naive-save, naive-upsert reproduced; atomic-create held =\n/);
    expect(trac).toContain('||= scenario =||= expected =||= isolation =||= ops =||= ok =||= !IntegrityError =||');
    expect(trac).toMatch(/^\|\| naive-save \|\| unsafe \|\| autocommit \|\| 1,600 \|\|/m);
    expect(trac).toMatch(/^\{\{\{\nERROR: {2}duplicate key value violates unique constraint "django_session_pkey"\nSQLSTATE: 23505$/m);
    expect(trac).toMatch(/^\{\{\{\n#!sh\nracelab reproduce /m);
    expect(trac).toContain('=== naive-save: first !IntegrityError, as PostgreSQL reported it ===');
    expect(trac).toMatch(/^ \* '''atomic-create''' holds:/m);
    expect(trac).not.toMatch(/```|^\| --- |\*\*[a-z-]+\*\*/m);
    expect(trac.split('{{{').length).toBe(trac.split('}}}').length);
  });

  it('is what --format trac prints', async () => {
    const result = await runCli(['reproduce', '--scenario', 'atomic-create', '--db', inject('embeddedUrl'), '--ops', '50', '--format', 'trac', '--out', join(work, 'trac')]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(readFileSync(join(work, 'trac', 'latest', 'report.trac.txt'), 'utf8'));
  });
});

describe('one run, one report directory', () => {
  it('writes every report into <out>/<run-id>/ and points <out>/latest at it', () => {
    const entries = readdirSync(out);
    expect(entries).toHaveLength(2);
    const runDir = entries.find((entry) => entry !== 'latest')!;
    expect(runDir).toMatch(/^[a-z0-9]+_p[a-z0-9]+_[a-f0-9]{6}$/);
    expect(readlinkSync(join(out, 'latest'))).toBe(runDir);
    expect(readdirSync(join(out, runDir)).sort()).toEqual(['junit.xml', 'report.html', 'report.json', 'report.md', 'report.trac.txt']);
  });
});

describe('junit.xml', () => {
  it('has the shape JUnit consumers read: testsuites > testsuite > testcase, counts that add up', () => {
    const xml = readFileSync(join(out, 'latest', 'junit.xml'), 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name) }).parse(xml);
    const suite = doc.testsuites.testsuite[0];
    expect(suite['@name']).toBe('racelab');
    expect(Number(suite['@tests'])).toBe(3);
    expect(Number(suite['@failures'])).toBe(0);
    expect(Number(suite['@errors'])).toBe(0);
    expect(Number(suite['@time'])).toBeGreaterThan(0);
    expect(suite['@timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    expect(suite.properties.property.map((p: Record<string, string>) => p['@name'])).toContain('database');
    for (const testcase of suite.testcase) {
      expect(testcase['@classname']).toMatch(/^racelab\.[a-z-]+$/);
      expect(testcase['@name']).toMatch(/^a new session is saved without error \(expected (un)?safe\)$/);
      expect(Number(testcase['@time'])).toBeGreaterThanOrEqual(0);
      expect(testcase.failure).toBeUndefined();
    }
  });

  it('makes a verdict that is not as expected a failure whose message is the finding', async () => {
    const mismatch = join(work, 'mismatch');
    const result = await runCli(['reproduce', '--scenario', 'atomic-create', '--expect', 'atomic-create=unsafe', '--db', inject('embeddedUrl'), '--ops', '100', '--out', mismatch]);
    expect(result.code).toBe(1);
    const xml = readFileSync(join(mismatch, 'latest', 'junit.xml'), 'utf8');
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(xml);
    const testcase = doc.testsuites.testsuite.testcase;
    expect(doc.testsuites.testsuite['@failures']).toBe('1');
    expect(testcase.failure['@type']).toBe('VerdictMismatch');
    expect(testcase.failure['@message']).toMatch(/^atomic-create: declared unsafe with --expect, but held: 0% \[0%, [\d.]+%\] in 400 ops$/);
  });
});

describe('report.html', () => {
  it('draws no chart without a sweep of the key space: one point per scenario is no curve', () => {
    const html = readFileSync(join(out, 'latest', 'report.html'), 'utf8');
    expect(html).not.toContain('<svg class="chart"');
    expect(html).toContain('<pre class="wrap"><code>racelab reproduce');
  });

  it("draws each timeline report.json carries as swimlanes: the collision's failed insert and the insert it lost to marked", () => {
    const html = readFileSync(join(out, 'latest', 'report.html'), 'utf8');
    const scenarios = readReport(out).scenarios;
    const timelines = scenarios.flatMap((s: any) => [s.firstLoudViolation, s.firstSilentViolation].filter((sample: any) => sample?.timeline));
    const figures = [...html.matchAll(/<figure class="swimlanes".*?<\/figure>/g)].map((m) => m[0]);
    // naive-save collides and naive-upsert overwrites (see beforeAll's odds): a picture of each.
    expect(timelines.length).toBeGreaterThanOrEqual(2);
    expect(figures).toHaveLength(timelines.length);
    const collision = figures.find((f) => f.includes('Swimlanes of naive-save: first IntegrityError'));
    expect(collision, 'a picture of naive-save\'s first IntegrityError').toBeDefined();
    const sample = scenarios[0].firstLoudViolation;
    const roles = [...collision!.matchAll(/<g class="statement" data-worker="(\d+)" data-role="(\w+)"/g)].map((m) => [Number(m[1]), m[2]]);
    const won = sample.timeline.find((e: any) => e.role === 'won');
    expect(won, 'the timeline names the write the failed insert collided with').toBeDefined();
    expect(roles).toEqual(expect.arrayContaining([[sample.worker, 'failed'], [won.worker, 'won']]));
    expect(roles).toHaveLength(2);
    // Lanes of both workers, at least.
    expect(new Set([...collision!.matchAll(/<g class="lane" data-worker="(\d+)"/g)].map((m) => m[1])).size).toBeGreaterThanOrEqual(2);
  });

  it("sizes the chart's legend to its longest label", () => {
    const html = readFileSync(join(sweepOut, 'latest', 'report.html'), 'utf8');
    const width = Number(/<svg class="chart"[^>]* width="([\d.]+)"/.exec(html)![1]);
    for (const [, x, label] of html.matchAll(/<text x="([\d.]+)" y="[\d.]+" fill="[^"]+" font-size="12">([^<]+)<\/text>/g)) {
      // 12 px system fonts stay well under 7.5 px a character.
      expect(Number(x) + 7.5 * label!.length).toBeLessThanOrEqual(width);
    }
  });
});

describe.skipIf(!CHROMIUM)('report.html in headless Chromium', () => {
  it('renders as one self-contained page with the report and a chart of every point', () => {
    const html = readFileSync(join(sweepOut, 'latest', 'report.html'), 'utf8');
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
    const dom = renderInChromium(join(sweepOut, 'latest', 'report.html'), join(work, 'report.png'));
    expect(dom).toContain('<h1>racelab report: PASS (9 of 9 checks passed): naive-save, naive-upsert reproduced; atomic-create held</h1>');
    const points = [...dom.matchAll(/<circle class="point" data-scenario="([a-z-]+)" data-key-space="(\d+)" data-rate="([\d.e-]+)"/g)];
    expect(points).toHaveLength(9);
    expect(new Set(points.map((p) => p[2]))).toEqual(new Set(['4', '8', '16']));
    expect(dom).toContain('class="analytic"');
    expect(dom.match(/class="band"/g)).toHaveLength(3);
    expect(statSync(join(work, 'report.png')).size).toBeGreaterThan(10_000);
  });
});
