/**
 * The gate's `::error` lines for GitHub Actions, on fixture values decided by the real `decide`:
 * one per check that did not pass, each one line, escaped as GitHub's runner reads it back.
 */
import { describe, expect, it } from 'vitest';
import { findingOf, inputOf, integrityErrorSample, missingTableSample, POSTGRES, searchOf, SQLITE } from '../test/report-fixtures.ts';
import { gateLines } from './gate-terminal.ts';
import { ANNOTATIONS_PER_STEP, escapeData, escapeProperty, githubAnnotations } from './github-annotations.ts';

/** A workflow command read back as the runner does: the title ends at the first `::`, and each escape is decoded. */
function readBack(line: string): { command: string; title: string; message: string } {
  const match = /^::(\w+) title=(.*?)::(.*)$/s.exec(line);
  if (!match) throw new Error(`not a workflow command with a title: ${line}`);
  const decode = (text: string) => text.replace(/%2C/g, ',').replace(/%3A/g, ':').replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%');
  return { command: match[1]!, title: decode(match[2]!), message: decode(match[3]!) };
}

const naiveSave = () => findingOf({ name: 'naive-save', expect: 'unsafe', outcomes: { integrity_error: 6 }, windows: 40, samples: [integrityErrorSample()] });

describe('escaping, by GitHub’s rules', () => {
  it('encodes %, CR and LF in a message; % first, so that nothing is encoded twice', () => {
    expect(escapeData('100% done\r\nnext: a, b')).toBe('100%25 done%0D%0Anext: a, b');
    expect(escapeData('%0A')).toBe('%250A');
  });

  it('encodes : and , in a property too', () => {
    expect(escapeProperty('FAIL: a on postgres://h:5432/t, 5%\n')).toBe('FAIL%3A a on postgres%3A//h%3A5432/t%2C 5%25%0A');
  });
});

describe('the annotations of a gate', () => {
  it('none when every check passed', () => {
    expect(githubAnnotations(inputOf({ points: [{ findings: [naiveSave(), findingOf({ name: 'atomic-create', expect: 'safe', windows: 40 })] }] }))).toEqual([]);
  });

  it("one ::error per failing check, titled by its verdict and subject, its message the gate's own line", () => {
    const input = inputOf({
      points: [{ findings: [naiveSave(), findingOf({ name: 'reserve-handle', expect: 'safe', ops: 400, windows: 16 })] }],
      searches: [searchOf('reserve-handle', true)],
    });
    const lines = githubAnnotations(input);
    expect(lines).toHaveLength(1);
    // One line, though the counterexample it carries spans several.
    expect(lines[0]).not.toMatch(/[\r\n]/);
    expect(lines[0]).toMatch(/^::error title=racelab gate FAIL%3A search reserve-handle::FAIL search reserve-handle: expected safe, but violated in 1\.5 s: counterexample after 6 inputs.*%0A +w1 check\(k0\) → 0 rows%0A/);
    const annotation = readBack(lines[0]!);
    expect(annotation).toEqual({ command: 'error', title: 'racelab gate FAIL: search reserve-handle', message: gateLines(input, undefined).find((line) => line.startsWith('FAIL search')) });
  });

  it('escapes the rates’ % in the message, and a database URL’s : in the title', () => {
    const signup = findingOf({ name: 'signup', expect: 'safe', outcomes: { integrity_error: 3 }, windows: 40 });
    const input = inputOf({ points: [{ database: POSTGRES, findings: [signup] }, { database: SQLITE, findings: [findingOf({ name: 'signup', expect: 'safe', windows: 40 })] }] });
    const [line, ...rest] = githubAnnotations(input);
    expect(rest).toEqual([]);
    expect(line).toBe(
      '::error title=racelab gate FAIL%3A signup on postgres%3A//postgres@127.0.0.1%3A5432/test::FAIL signup on postgres://postgres@127.0.0.1:5432/test: expected safe, but 3 violations in 200 ops (40 race windows): 7.50%25 [2.58%25, 19.86%25] per window',
    );
    expect(readBack(line!).title).toBe(`racelab gate FAIL: signup on ${POSTGRES.label}`);
  });

  it('broken, failing and no-evidence checks are all errors, worst first: each makes the exit code non-zero', () => {
    const input = inputOf({
      points: [
        {
          findings: [
            findingOf({ name: 'quiet', expect: 'safe', windows: 0 }),
            findingOf({ name: 'signup', expect: 'safe', outcomes: { integrity_error: 3 }, windows: 40 }),
            findingOf({ name: 'reserve-handle', expect: 'safe', ops: 400, outcomes: { error: 400 }, windows: 28, samples: [missingTableSample()] }),
          ],
        },
      ],
    });
    expect(githubAnnotations(input).map((line) => readBack(line).title)).toEqual(['racelab gate BROKEN: reserve-handle', 'racelab gate FAIL: signup', 'racelab gate NO EVIDENCE: quiet']);
    expect(githubAnnotations(input).map((line) => readBack(line).command)).toEqual(['error', 'error', 'error']);
  });

  it('a run that broke in a check gets that check’s annotation, not a second one', () => {
    const broken = findingOf({ name: 'reserve-handle', expect: 'safe', ops: 400, outcomes: { error: 400 }, windows: 28, samples: [missingTableSample()] });
    const lines = githubAnnotations(inputOf({ points: [{ findings: [broken] }], failure: `reserve-handle: ${broken.brokenBy}` }));
    expect(lines.map((line) => readBack(line).title)).toEqual(['racelab gate BROKEN: reserve-handle']);
    expect(readBack(lines[0]!).message).toContain('relation "handles" does not exist');
  });

  it('a run interrupted, or one that checked nothing, gets one of its own', () => {
    const interrupted = inputOf({ points: [{ findings: [findingOf({ name: 'atomic-create', expect: 'safe', windows: 40 })] }], interrupted: true });
    expect(githubAnnotations(interrupted).map(readBack)).toEqual([{ command: 'error', title: 'racelab gate INTERRUPTED', message: 'gate: INTERRUPTED, no verdict (Ctrl-C)' }]);
    const nothing = inputOf({ points: [{ findings: [] }] });
    expect(githubAnnotations(nothing).map(readBack)).toEqual([{ command: 'error', title: 'racelab gate NO EVIDENCE', message: 'gate: NO EVIDENCE: no scenario ran' }]);
  });

  it('no more than GitHub shows in a step: the last one says how many more did not pass', () => {
    const failing = Array.from({ length: 14 }, (_, i) => findingOf({ name: `signup-${i}`, expect: 'safe', outcomes: { integrity_error: 3 }, windows: 40 }));
    const lines = githubAnnotations(inputOf({ points: [{ findings: failing }] }));
    expect(lines).toHaveLength(ANNOTATIONS_PER_STEP);
    expect(lines.slice(0, -1).map((line) => readBack(line).title)).toEqual(failing.slice(0, ANNOTATIONS_PER_STEP - 1).map((f) => `racelab gate FAIL: ${f.scenario.name}`));
    expect(readBack(lines.at(-1)!)).toMatchObject({ command: 'error', title: 'racelab gate: 5 more checks did not pass' });
    // Exactly as many as GitHub shows: all of them, no note.
    expect(githubAnnotations(inputOf({ points: [{ findings: failing.slice(0, ANNOTATIONS_PER_STEP) }] })).map((line) => readBack(line).title).at(-1)).toBe('racelab gate FAIL: signup-9');
  });
});
