import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from './cli-process.ts';
import { readReport } from './report-file.ts';

let work: string;
let out: string;
let lines: any[];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'racelab-history-test-'));
  out = join(work, 'out');
  // Needs naive-upsert to collide: bench/race-test-odds.ts measured, over 10 runs of 4×400 at
  // K=16, at least 35 violations: P(none) < 10^-9.
  const result = await runCli(['reproduce', '--scenario', 'naive-upsert', '--db', inject('embeddedUrl'), '--ops', '400', '--key-space', '16', '--history', '--out', out]);
  expect(result.code, result.stderr).toBe(0);
  lines = readFileSync(join(out, 'latest', 'history-naive-upsert.jsonl'), 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('--history', () => {
  it('validates line by line against reports/history.schema.json, numbered and ordered by time', () => {
    const validate = new Ajv({ strict: true, allErrors: true }).compile(JSON.parse(readFileSync('reports/history.schema.json', 'utf8')));
    for (const [index, line] of lines.entries()) {
      expect(validate(line), JSON.stringify(validate.errors)).toBe(true);
      expect(line.index).toBe(index);
      if (index > 0) expect(line.time).toBeGreaterThanOrEqual(lines[index - 1].time);
    }
    // The workers' part files were merged and removed.
    expect(readdirSync(join(out, 'latest')).filter((name) => name.startsWith('.history'))).toEqual([]);
  });

  it('has one invoke and then one completion for every op of the run, and nothing else', () => {
    const ops = lines.filter((line) => line.f === 'txn');
    const byOp = new Map<string, any[]>();
    for (const line of ops) byOp.set(`${line.process}:${line.op}`, [...(byOp.get(`${line.process}:${line.op}`) ?? []), line]);
    expect(byOp.size).toBe(readReport(out).scenarios[0].ops);
    for (const [op, events] of byOp) {
      expect(events.map((e) => e.type === 'invoke'), op).toEqual([true, false]);
      expect(events[0].value).toBeNull();
      expect(events[1].time).toBeGreaterThanOrEqual(events[0].time);
    }
    // A worker runs one op at a time: between its invoke and completion, no other op of its own.
    for (const process of new Set(ops.map((line) => line.process))) {
      const own = lines.filter((line) => line.process === process);
      for (let i = 0; i < own.length; i += 2) expect([own[i].type, own[i + 1].type === 'invoke']).toEqual(['invoke', false]);
    }
  });

  it("maps the ops onto reads and writes of keys, with the database's error on a refused one", () => {
    const completions = lines.filter((line) => line.f === 'txn' && line.type !== 'invoke');
    const ok = completions.find((line) => line.type === 'ok');
    // naive-upsert: a check that found the key free, an UPDATE that changed nothing, the INSERT.
    expect(ok.value[0]).toEqual(['r', expect.any(String), null]);
    expect(ok.value.at(-1)).toEqual(['w', ok.value[0][1], `w${ok.process}:op${ok.op}`]);
    const failed = completions.filter((line) => line.type === 'fail');
    expect(failed.length).toBe(readReport(out).scenarios[0].outcomes.integrity_error);
    for (const line of failed) {
      expect(line.outcome).toBe('integrity_error');
      expect(line.error).toMatch(/^23505 duplicate key value/);
      expect(line.value.at(-1)[0]).toBe('w');
    }
  });
});

describe('--duration', () => {
  it('runs for a time instead of a count, and says so in the report and the rerun command', async () => {
    const timed = join(work, 'timed');
    const started = performance.now();
    const result = await runCli(['reproduce', '--scenario', 'atomic-create', '--db', inject('embeddedUrl'), '--duration', '1500ms', '--out', timed]);
    const elapsed = performance.now() - started;
    expect(result.code, result.stderr).toBe(0);
    // The run lasted its time: at least the 1.5 s, and not the 1,000,000 ops a worker may at most run.
    expect(elapsed).toBeGreaterThan(1_500);
    const report = readReport(timed);
    expect(report.config.durationMs).toBe(1_500);
    expect(report.scenarios[0].ops).toBeGreaterThan(0);
    expect(report.scenarios[0].ops).toBeLessThan(4 * 1_000_000);
    expect(report.replayCommand).toContain('--duration 1500ms');
    expect(report.replayCommand).not.toContain('--ops');
    expect(result.stdout).toMatch(/4 clients for 1\.5 s on \d+ threads?/);
  });
});
