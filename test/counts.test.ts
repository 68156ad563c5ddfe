/**
 * Every count printed before a noun agrees with it, and every "N violations" line lists N or says
 * how many more: rendered in-process from hand-built findings.
 */
import { describe, expect, it } from 'vitest';
import { raceFoundMessage } from '../api/race-found-message.ts';
import { firstOf, plural } from '../reports/format.ts';
import { toJsonReport } from '../reports/json.ts';
import { renderMarkdown } from '../reports/markdown.ts';
import { renderTerminal } from '../reports/terminal.ts';
import { holdsBound } from '../reports/windows-words.ts';
import { auditProblems, finding, reportInput } from './report-fixtures.ts';

describe('plural and firstOf', () => {
  it('agree in number, and count what they leave out', () => {
    expect(plural(1, 'violation')).toBe('1 violation');
    expect(plural(0, 'violation')).toBe('0 violations');
    expect(plural(1200, 'op')).toBe('1,200 ops');
    expect(firstOf(['a', 'b', 'c'], 3, 2)).toEqual(['a', 'b', '… and 1 more']);
    expect(firstOf(['a', 'b'], 5)).toEqual(['a', 'b', '… and 3 more']);
    expect(firstOf(['a', 'b'], 2, 5)).toEqual(['a', 'b']);
  });
});

describe('what the audit found', () => {
  const audited = (violations: number, kept = violations) =>
    finding({ invariant_violated: violations }, { invariantProblems: auditProblems(kept) });

  it('the terminal lists 5 of 6 violations and says there is 1 more', () => {
    const text = renderTerminal(reportInput([audited(6)]), 'out/report.json');
    const block = text.slice(text.indexOf('signup: its audit found'));
    expect(block).toMatch(/^signup: its audit found 6 violations of its invariant, with no error raised:\n(  2 users share .*\n){5} {2}… and 1 more\n/);
  });

  it('one violation is one, in the terminal and in report.md', () => {
    const input = reportInput([audited(1)]);
    expect(renderTerminal(input, 'out/report.json')).toContain('signup: its audit found 1 violation of its invariant, with no error raised:\n  2 users share user-0@');
    expect(renderMarkdown(input)).toContain('Its audit found 1 violation of its invariant:');
  });

  it('report.md lists the problems the engine kept and counts the rest', () => {
    const md = renderMarkdown(reportInput([audited(25, 20)]));
    expect(md).toContain('Its audit found 25 violations of its invariant:');
    const fence = md.slice(md.indexOf('Its audit found 25'));
    expect(fence.split('\n').filter((line) => line.startsWith('2 users share'))).toHaveLength(20);
    expect(fence).toContain('\n… and 5 more\n```');
  });

  it("expectRaceFree's message lists 5 and counts the rest", () => {
    const message = raceFoundMessage(toJsonReport(reportInput([audited(7)])));
    expect(message).toMatch(/^signup is not race-free: 7 of 200 ops violated/);
    expect(message.split('\n').filter((line) => line.startsWith('  audit: '))).toHaveLength(5);
    expect(message).toContain('\n  … and 2 more\n');
  });
});

describe('counts and nouns agree', () => {
  it('one op, one race window, one refusal, one input', () => {
    const one = finding({}, { windows: 1, retries: 1 }, 1);
    expect(holdsBound(one)).toMatch(/^no violation in 1 op \(1 race window\)/);
    const text = renderTerminal(reportInput([one], { config: { ...reportInput([one]).config, opsPerWorker: 1, workers: 1, threads: 1 } }), 'out/report.json');
    expect(text).toContain('1 client × 1 op on 1 thread');
    expect(text).toContain('It absorbed 1 refusal (a key taken');
    expect(text).not.toMatch(/\b1 (ops|race windows|refusals|violations)\b/);
  });
});
