/**
 * A user's scenario names its keys by its own values (`SPRING-000g`), which its audit prints: every
 * output that shows a statement about a key names it by that value, racelab's short name beside it,
 * so the reader can match the two. Fixture values through the real checker (`toFinding`); no
 * database.
 */
import { describe, expect, it } from 'vitest';
import { sessionKeyAt } from '../harness/session-keys.ts';
import { timelineOf } from '../harness/timeline.ts';
import type { ExploreRun } from '../harness/explore/explore-run.ts';
import { exploreSummary, findingOf, inputOf, stepEvent } from '../test/report-fixtures.ts';
import { errorLines } from './evidence-lines.ts';
import { renderExploreReports } from './explore-report.ts';
import { runLines } from './explore-terminal.ts';
import { renderHtml } from './html.ts';
import { interleavingLines } from './interleaving.ts';
import { toJsonReport } from './json.ts';
import { renderMarkdown } from './markdown.ts';
import { renderTerminal } from './terminal.ts';

/** Index 16 of the shrunk key space: its tail is `000g`. */
const K16 = sessionKeyAt(16);
/** The coupon code an op redeems: how the scenario spells the key it drew. */
const couponCode = (key: string) => `SPRING-${key.slice(-4)}`;
const T0 = 1_000_000;
const DUPLICATE: [string, string] = ['23505', 'duplicate key value violates unique constraint "redemptions_code_key"'];

/** Two ops count the redemptions of one code, both find none, both redeem: the audit finds two. */
function doubleRedemption(keyValue?: (key: string) => string) {
  return findingOf({
    name: 'coupon',
    expect: 'unsafe',
    windows: 40,
    savesNoSession: true,
    steps: [
      stepEvent(1, 3, 'count', K16, T0, T0 + 200, '1 row: n=0'),
      stepEvent(2, 5, 'count', K16, T0 + 50, T0 + 250, '1 row: n=0'),
      stepEvent(1, 3, 'redeem', K16, T0 + 300, T0 + 500, '1 row'),
      stepEvent(2, 5, 'redeem', K16, T0 + 350, T0 + 600, '1 row'),
    ],
    problems: [{ message: 'SPRING-000g redeemed twice (by w1:op3, w2:op5)', key: 'SPRING-000g' }],
    ...(keyValue && { keyValue }),
  });
}

/** The same with a unique index: w2's redeem fails on w1's. */
function refusedRedemption() {
  return findingOf({
    name: 'coupon-unique',
    expect: 'safe',
    outcomes: { integrity_error: 1 },
    windows: 40,
    savesNoSession: true,
    samples: [{ outcome: 'integrity_error', worker: 2, op: 5, key: K16, atMs: 1, error: { code: DUPLICATE[0], message: DUPLICATE[1] } }],
    steps: [
      stepEvent(1, 3, 'count', K16, T0, T0 + 200, '1 row: n=0'),
      stepEvent(2, 5, 'count', K16, T0 + 50, T0 + 250, '1 row: n=0'),
      stepEvent(1, 3, 'redeem', K16, T0 + 300, T0 + 500, '1 row'),
      stepEvent(2, 5, 'redeem', K16, T0 + 350, T0 + 600, DUPLICATE),
    ],
    keyValue: couponCode,
  });
}

const COUNT_LINE = /w1 op3 {5}count\(SPRING-000g \(k16\)\) → 1 row: n=0/;

describe("a stress run's timelines name each key by the scenario's own value", () => {
  const input = inputOf({ points: [{ findings: [doubleRedemption(couponCode), refusedRedemption()] }] });

  it('decided once, by the checker: on every timeline entry about a key and on the sample', () => {
    const [audited, refused] = input.points[0]!.findings;
    const timeline = audited!.invariantProblems[0]!.timeline!;
    expect(timeline.map((entry) => entry.keyValue)).toEqual(['SPRING-000g', 'SPRING-000g', 'SPRING-000g', 'SPRING-000g']);
    expect(refused!.firstLoudViolation).toMatchObject({ key: K16, keyValue: 'SPRING-000g' });
    expect(refused!.firstLoudViolation!.timeline!.every((entry) => entry.keyValue === 'SPRING-000g')).toBe(true);
  });

  it('in the terminal, with the audit that names the same value above it', () => {
    const text = renderTerminal(input, 'report.json', 200);
    expect(text).toContain('SPRING-000g redeemed twice (by w1:op3, w2:op5)');
    expect(text).toMatch(COUNT_LINE);
    expect(text).toMatch(/w2 op5 {5}redeem\(SPRING-000g \(k16\)\) → 23505 duplicate key/);
    expect(text).toContain(`  key: SPRING-000g (racelab's k16: ${K16})`);
    expect(text).not.toMatch(/\w\(k16\)|session key/);
  });

  it('in report.md and report.html, text and pictures', () => {
    expect(renderMarkdown(input)).toMatch(COUNT_LINE);
    const html = renderHtml(input);
    expect(html).toMatch(COUNT_LINE);
    expect(html).toContain('op3 count(SPRING-000g (k16))');
  });

  it('in report.json, beside racelab’s key', () => {
    const [audited, refused] = toJsonReport(input).scenarios;
    expect(audited!.invariantProblems[0]!.timeline![0]).toMatchObject({ step: 'count', key: K16, keyValue: 'SPRING-000g', result: '1 row: n=0' });
    expect(refused!.firstLoudViolation).toMatchObject({ key: K16, keyValue: 'SPRING-000g' });
  });

  it("as racelab's short name alone for a scenario that declares no value, or one that throws", () => {
    const plain = inputOf({ points: [{ findings: [doubleRedemption()] }] });
    expect(renderTerminal(plain, 'report.json', 200)).toMatch(/w1 op3 {5}count\(k16\) → 1 row: n=0/);
    const throwing = inputOf({ points: [{ findings: [doubleRedemption(() => { throw new Error('no'); })] }] });
    expect(renderTerminal(throwing, 'report.json', 200)).toMatch(/w1 op3 {5}count\(k16\) → 1 row: n=0/);
  });

  it('leaves statements about no key unnamed', () => {
    const timeline = timelineOf(
      { worker: 1, op: 1, key: K16, error: { code: '23505' } },
      [stepEvent(1, 1, 'begin', undefined, 0, 10), stepEvent(1, 1, 'insert', K16, 20, 30, DUPLICATE)],
      (key) => couponCode(key),
    )!;
    expect(timeline.map((entry) => entry.keyValue)).toEqual([undefined, 'SPRING-000g']);
  });

  it('errorLines keeps the session key of a scenario without values', () => {
    const lines = errorLines({ outcome: 'integrity_error', scenario: 'naive-save', worker: 1, op: 1, key: K16, atMs: 1, error: { message: 'x' } });
    expect(lines).toContain(`  session key: ${K16}`);
  });
});

describe("explore's interleavings name each key by the scenario's own value", () => {
  /** Two workers count, both find none, both redeem: the value set on each step, as the coordinator sets it. */
  const run: ExploreRun = {
    input: { workers: 2, opsPerWorker: 1, keySpace: 17, isolation: 'read-committed', keySeed: 0 },
    order: [0, 1, 0, 1],
    pendingAt: [[0, 1], [0, 1], [0, 1], [1]],
    steps: [
      { worker: 0, op: 0, step: 'count', key: K16, keyValue: 'SPRING-000g', releasedAt: 1, completedAt: 2, result: '1 row: n=0' },
      { worker: 1, op: 0, step: 'count', key: K16, keyValue: 'SPRING-000g', releasedAt: 3, completedAt: 4, result: '1 row: n=0' },
      { worker: 0, op: 0, step: 'redeem', key: K16, keyValue: 'SPRING-000g', releasedAt: 5, completedAt: 6, result: '1 row' },
      { worker: 1, op: 0, step: 'redeem', key: K16, keyValue: 'SPRING-000g', releasedAt: 7, completedAt: 8, result: '1 row' },
    ],
    outcomes: [['ok'], ['ok']],
    samples: [],
    invariantProblems: [{ message: 'SPRING-000g redeemed twice (by w1:op1, w2:op1)', key: 'SPRING-000g' }],
    elapsedMs: 5,
  };

  it('in the interleaving the terminal and report.json print, and in its picture', () => {
    expect(interleavingLines(run)).toEqual([
      'w1 count(SPRING-000g (k16)) → 1 row: n=0',
      'w2 count(SPRING-000g (k16)) → 1 row: n=0',
      'w1 redeem(SPRING-000g (k16)) → 1 row',
      'w2 redeem(SPRING-000g (k16)) → 1 row',
    ]);
    const reports = renderExploreReports(exploreSummary(run));
    expect(JSON.parse(reports['report.json']!).counterexample.interleaving[0]).toBe('w1 count(SPRING-000g (k16)) → 1 row: n=0');
    expect(runLines(run)).toContain('  w2 count(SPRING-000g (k16)) → 1 row: n=0');
    expect(reports['report.html']).toContain('op1 redeem(SPRING-000g (k16))');
  });
});
