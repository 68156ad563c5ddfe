/**
 * The gate's GitHub job summary renders the one decision, on fixture values decided by the real
 * `decide`: what is under test is the rendering, not a race.
 */
import { describe, expect, it } from 'vitest';
import { findingOf, inputOf, integrityErrorSample, missingTableSample, POSTGRES, searchOf, SQLITE } from '../test/report-fixtures.ts';
import type { TimelineEntry } from '../harness/contract/results.ts';
import type { Finding } from '../harness/finding.ts';
import { renderGithubSummary, SUMMARY_LIMIT_BYTES } from './github-summary.ts';
import { renderMarkdown } from './markdown.ts';

/** The fenced blocks of a Markdown text, each whole with its fences. */
const fencesOf = (markdown: string) => [...markdown.matchAll(/^```\w*\n[\s\S]*?^```$/gm)].map((m) => m[0]);

/** Two ops on one key: both checked, one inserted first, the other failed. */
const TIMELINE: TimelineEntry[] = [
  { atMs: 10, endMs: 11, worker: 1, op: 3, step: 'exists', key: 'k5', result: '0 rows' },
  { atMs: 10.5, endMs: 11.2, worker: 2, op: 7, step: 'exists', key: 'k5', result: '0 rows' },
  { atMs: 11.5, endMs: 12, worker: 2, op: 7, step: 'insert', key: 'k5', result: 'ok', role: 'won' },
  { atMs: 11.6, endMs: 12.5, worker: 1, op: 3, step: 'insert', key: 'k5', result: 'integrity_error', role: 'failed' },
];

/** A finding of a safe scenario that reproduced, whose first IntegrityError has the timeline above. */
function withTimeline(name: string): Finding {
  const folded = findingOf({ name, expect: 'safe', outcomes: { integrity_error: 3 }, windows: 40, samples: [integrityErrorSample()] });
  return { ...folded, firstLoudViolation: { ...folded.firstLoudViolation!, timeline: TIMELINE } };
}

const naiveSave = () => findingOf({ name: 'naive-save', expect: 'unsafe', outcomes: { integrity_error: 6 }, windows: 40, samples: [integrityErrorSample()] });

describe('the job summary of a gate that passed', () => {
  const input = inputOf({ points: [{ findings: [naiveSave(), findingOf({ name: 'atomic-create', expect: 'safe', windows: 40 })] }] });
  const summary = renderGithubSummary(input, '/tmp/out/run');

  it('starts on a blank line, with the overall verdict the exit code comes from', () => {
    expect(summary.startsWith('\n## racelab gate: PASS (2 of 2 checks passed)\n\nPostgreSQL 15.19 (server) · seed 7\n')).toBe(true);
  });

  it('has one row per check: its verdict, rates with their intervals, race windows, and what it showed', () => {
    expect(summary).toContain('| check | verdict | violations per op [95% CI] | per race window [95% CI] | race windows | what it showed |');
    expect(summary).toContain('| naive-save | PASS | 3.00% [1.38%, 6.39%] | 15.00% [7.06%, 29.07%] | 40 | expected unsafe, reproduced: 15.00% [7.06%, 29.07%] per race window, 3.00% [1.38%, 6.39%] per op |');
    expect(summary).toMatch(/^\| atomic-create \| PASS \| 0% \[0%, 1\.88%\] \| 0% \[0%, [\d.]+%\] \| 40 \| expected safe, no violation in 200 ops \(40 race windows\): below [\d.]+% per window at 95% confidence \|$/m);
  });

  it('has no failure section, and ends with the rerun command and where the reports are', () => {
    expect(summary).not.toContain('### First');
    expect(summary).toContain('```sh\nracelab reproduce --scenario ./reserve.race.ts --seed 42\n```');
    expect(summary.endsWith('Reports (report.md, report.json, junit.xml, report.html): `/tmp/out/run`\n')).toBe(true);
  });
});

describe('the job summary of a gate that failed', () => {
  const signup = withTimeline('signup');
  const input = inputOf({ points: [{ findings: [naiveSave(), signup] }], searches: [searchOf('signup', true)] });
  const summary = renderGithubSummary(input, '/tmp/out/run');

  it('marks each check that did not pass, in the decision order', () => {
    expect(summary.split('\n')[1]).toBe('## racelab gate: FAIL (1 of 3 checks passed)');
    const rows = summary.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| check') && !line.startsWith('| --- '));
    expect(rows.map((row) => row.split(' | ').slice(0, 2).join(' | '))).toEqual(['| naive-save | PASS', '| signup | **FAIL**', '| search signup | **FAIL**']);
    // A search has no rate of its own; its row has the first line of what it found.
    expect(rows[2]).toBe('| search signup | **FAIL** | - | - | - | expected safe, but violated in 1.5 s: counterexample after 6 inputs, shrunk 4 times to 2 workers × 1 op, key space 1, autocommit |');
  });

  it("shows the first failing check's evidence as report.md does: the database's own error and the timeline", () => {
    const section = summary.slice(summary.indexOf('### First failing check'));
    expect(section.startsWith('### First failing check: signup reproduced, expected safe\n\n**FAIL** signup: expected safe, but 3 violations in 200 ops (40 race windows)')).toBe(true);
    expect(section).toContain('#### signup: first IntegrityError, as PostgreSQL reported it');
    const fences = fencesOf(section);
    expect(fences[0]).toContain('ERROR:  duplicate key value violates unique constraint "django_session_pkey"\nSQLSTATE: 23505\nDETAIL:  Key (session_key)=(k5) already exists.');
    expect(fences[1]).toMatch(/w1 op3 +insert\(k5\) → integrity_error +✗ failed/);
    // Word for word what report.md has.
    for (const fence of fences) expect(renderMarkdown(input)).toContain(fence);
    // Only the first failing check's: the search's counterexample is report.md's to show.
    expect(summary).not.toContain('w1 check(k0)');
    expect(section).toContain('1 other check did not pass: report.md has the evidence of each.');
  });

  it("shows a failing search's counterexample and its replay command as report.md does", () => {
    const searched = inputOf({ points: [{ findings: [findingOf({ name: 'reserve-handle', expect: 'safe', ops: 400, windows: 16 })] }], searches: [searchOf('reserve-handle', true)] });
    const text = renderGithubSummary(searched, undefined);
    expect(text).toContain('### First failing check: reserve-handle: the search found a counterexample, expected safe');
    const fences = fencesOf(text);
    expect(fences[0]).toContain('w1 check(k0) → 0 rows\nw2 check(k0) → 0 rows\nw1 insert(k0) → ok\nw2 insert(k0) → ok\noutcomes: ');
    expect(fences[1]).toBe('```sh\nracelab explore ./reserve-handle.race.ts --seed 7 --path "3:1"\n```');
    for (const fence of fences) expect(renderMarkdown(searched)).toContain(fence);
    expect(text).not.toContain('Reports (');
  });
});

describe('the job summary of a gate that broke, or has no evidence', () => {
  it("a broken check: no rate, and the error that is not a race in the database's words", () => {
    const broken = findingOf({ name: 'reserve-handle', expect: 'safe', ops: 400, outcomes: { error: 400 }, windows: 28, samples: [missingTableSample()] });
    const quiet = findingOf({ name: 'reserve-handle', expect: 'safe', windows: 0 });
    const input = inputOf({ points: [{ database: POSTGRES, findings: [broken] }, { database: SQLITE, findings: [quiet] }], failure: `reserve-handle: ${broken.brokenBy}` });
    const summary = renderGithubSummary(input, undefined);
    expect(summary.split('\n')[1]).toBe(`## racelab gate: BROKEN, no verdict: reserve-handle: ${broken.brokenBy}`);
    expect(summary).toContain(`| reserve-handle on ${POSTGRES.label} | **BROKEN** | - (no verdict) | - (no verdict) | 28 | no verdict on the race: `);
    expect(summary).toContain('| reserve-handle on sqlite | **NO EVIDENCE** | 0% [0%, 1.88%] | - (no race window) | 0 | expected safe, but no race window in 200 ops');
    expect(summary).toContain(`### First broken check: reserve-handle on ${POSTGRES.label} broke`);
    expect(summary).toContain(`#### reserve-handle on ${POSTGRES.label}: the error that is not a race, as PostgreSQL reported it`);
    expect(summary).toContain('```text\nERROR:  relation "handles" does not exist\nSQLSTATE: 42P01\n```');
  });

  it('no evidence alone: the row says so, and there is no counterexample to show', () => {
    const summary = renderGithubSummary(inputOf({ points: [{ findings: [findingOf({ name: 'quiet', expect: 'safe', windows: 0 })] }] }), undefined);
    expect(summary.split('\n')[1]).toBe('## racelab gate: NO EVIDENCE (0 of 1 check passed)');
    expect(summary).toMatch(/^\| quiet \| \*\*NO EVIDENCE\*\* \| .* \| - \(no race window\) \| 0 \| expected safe, but no race window in 200 ops/m);
    expect(summary).not.toContain('### First');
  });
});

describe('a summary too long for its share of the page', () => {
  const many = Array.from({ length: 400 }, (_, i) => withTimeline(`scenario-${i}`));
  const input = inputOf({ points: [{ findings: many }] });

  it('is cut below the limit, with a note saying where the whole report is', () => {
    const whole = renderGithubSummary(input, '/tmp/out/run', Number.POSITIVE_INFINITY);
    expect(Buffer.byteLength(whole)).toBeGreaterThan(SUMMARY_LIMIT_BYTES);
    const summary = renderGithubSummary(input, '/tmp/out/run');
    expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES);
    // The note, then the rerun and where the reports are, kept whole: what the reader acts on.
    const rerun = whole.slice(whole.lastIndexOf('Rerun it'));
    expect(rerun).toMatch(/^Rerun it .*:\n\n```sh\nracelab .*\n```\n\nReports \(report.md, report.json, junit.xml, report.html\): `\/tmp\/out\/run`\n$/);
    expect(summary.endsWith(`\n> Cut to 64 KiB, to leave room for the job's other steps: report.md in \`/tmp/out/run\` has the whole report.\n${rerun}`)).toBe(true);
    expect(whole.startsWith(summary.slice(0, summary.lastIndexOf('\n> Cut')))).toBe(true);
  });

  it('keeps its code fences whole when the cut falls inside one', () => {
    const whole = renderGithubSummary(input, undefined, Number.POSITIVE_INFINITY);
    // A limit that falls inside the first error's fence, or just after it, once the rerun's room is kept.
    const rerun = whole.slice(whole.lastIndexOf('Rerun it'));
    const limit = Buffer.byteLength(whole.slice(0, whole.indexOf('SQLSTATE: 23505'))) + 150 + Buffer.byteLength(rerun);
    const summary = renderGithubSummary(input, undefined, limit);
    expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(limit);
    expect(summary).toContain('SQLSTATE: 23505\n');
    expect(summary.endsWith(rerun)).toBe(true);
    expect(summary.slice(0, -rerun.length)).toMatch(/```\n\n> Cut to \d+ (bytes|KiB), .*: report\.md has the whole report\.\n$/);
    expect(summary.split('\n').filter((line) => line.startsWith('```')).length % 2).toBe(0);
  });
});
