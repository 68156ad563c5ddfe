import { describe, expect, it } from 'vitest';
import { findingOf, inputOf, integrityErrorSample, missingTableSample, POSTGRES_JS_STATEMENTS, searchOf, SQLITE, POSTGRES } from '../test/report-fixtures.ts';
import { explorationVerdict, unpassedChecks } from './verdict.ts';

const verdicts = (input: ReturnType<typeof inputOf>) => input.decision.checks.map((c) => `${c.kind} ${c.scenario}${c.database ? ` on ${c.database}` : ''}: ${c.verdict}`);

describe("a finding's verdict", () => {
  it('is reproduced with a violation, holds without one in race windows, and no-evidence without a race window', () => {
    expect(findingOf({ name: 'a', expect: 'unsafe', outcomes: { integrity_error: 3 }, windows: 20 }).verdict).toBe('reproduced');
    expect(findingOf({ name: 'a', expect: 'safe', windows: 20 })).toMatchObject({ verdict: 'holds', matchesExpectation: true });
    expect(findingOf({ name: 'a', expect: 'safe', windows: 0 })).toMatchObject({ verdict: 'no-evidence', matchesExpectation: null });
  });

  it('is broken, never holds, when ops failed with errors that are not races, and says why', () => {
    const finding = findingOf({ name: 'reserve', expect: 'safe', ops: 400, outcomes: { error: 400 }, windows: 28, samples: [missingTableSample()] });
    expect(finding).toMatchObject({ verdict: 'broken', matchesExpectation: null });
    expect(finding.brokenBy).toBe('w1 op1 failed with an error that is not a race: relation "handles" does not exist');
    // Violations beside the errors are still counted, but are no verdict either.
    expect(findingOf({ name: 'a', expect: 'unsafe', outcomes: { integrity_error: 5, indeterminate: 1 }, windows: 9 }).verdict).toBe('broken');
  });
});

describe('the decision', () => {
  it('passes an expected outcome and fails the opposite, check by check, and overall takes the worst', () => {
    const input = inputOf({
      points: [
        {
          findings: [
            findingOf({ name: 'naive', expect: 'unsafe', outcomes: { integrity_error: 3 }, windows: 20 }),
            findingOf({ name: 'atomic', expect: 'safe', windows: 20 }),
            findingOf({ name: 'wrong', expect: 'safe', outcomes: { integrity_error: 1 }, windows: 20 }),
          ],
        },
      ],
    });
    expect(verdicts(input)).toEqual(['stress naive: pass', 'stress atomic: pass', 'stress wrong: fail']);
    expect(input.decision.verdict).toBe('fail');
    expect(unpassedChecks(input.decision).map((c) => c.scenario)).toEqual(['wrong']);
  });

  it('fails a safe scenario whose search found a counterexample though its stress run held: the reserve-handle gate', () => {
    const input = inputOf({ points: [{ findings: [findingOf({ name: 'reserve-handle', expect: 'safe', windows: 16 })] }], searches: [searchOf('reserve-handle', true)] });
    expect(verdicts(input)).toEqual(['stress reserve-handle: pass', 'search reserve-handle: fail']);
    expect(input.decision.verdict).toBe('fail');
  });

  it('is broken when a check is, and when the run broke outside every check', () => {
    const broken = inputOf({
      points: [{ findings: [findingOf({ name: 'reserve', expect: 'safe', outcomes: { error: 200 }, windows: 4, samples: [missingTableSample()] })] }],
      failure: 'reserve: w1 op1 failed with an error that is not a race: relation "handles" does not exist',
    });
    expect(verdicts(broken)).toEqual(['stress reserve: broken']);
    expect(broken.decision.verdict).toBe('broken');
    const died = inputOf({ points: [{ findings: [findingOf({ name: 'atomic', expect: 'safe', windows: 20 })] }], failure: 'the search broke: connection lost' });
    expect(verdicts(died)).toEqual(['stress atomic: pass']);
    expect(died.decision.verdict).toBe('broken');
  });

  it('treats a safe run with no race window as no evidence, unless a search interleaved its statements', () => {
    const quiet = findingOf({ name: 'quiet', expect: 'safe', windows: 0 });
    expect(inputOf({ points: [{ findings: [quiet] }] }).decision.verdict).toBe('no-evidence');
    const searched = inputOf({ points: [{ findings: [quiet] }], searches: [searchOf('quiet', false, { contested: 12 })] });
    expect(verdicts(searched)).toEqual(['stress quiet: pass', 'search quiet: pass']);
    expect(searched.decision.verdict).toBe('pass');
    // A search whose inputs never chose between two workers' statements scheduled nothing.
    const blind = inputOf({ points: [{ findings: [quiet] }], searches: [searchOf('quiet', false, { contested: 0 })] });
    expect(verdicts(blind)).toEqual(['stress quiet: no-evidence', 'search quiet: no-evidence']);
    expect(blind.decision.verdict).toBe('no-evidence');
  });

  it('passes an unsafe scenario the stress run missed when the search found it, and fails it when the search held', () => {
    const missed = findingOf({ name: 'naive', expect: 'unsafe', windows: 0 });
    const found = inputOf({ points: [{ findings: [missed] }], searches: [searchOf('naive', true)] });
    expect(verdicts(found)).toEqual(['stress naive: pass', 'search naive: pass']);
    const held = inputOf({ points: [{ findings: [findingOf({ name: 'naive', expect: 'unsafe', windows: 30 })] }], searches: [searchOf('naive', false)] });
    expect(verdicts(held)).toEqual(['stress naive: fail', 'search naive: fail']);
  });

  it('matches each search to its scenario on its own database', () => {
    const input = inputOf({
      points: [
        { database: POSTGRES, findings: [findingOf({ name: 'naive', expect: 'unsafe', windows: 0 })] },
        { database: SQLITE, findings: [findingOf({ name: 'naive', expect: 'unsafe', windows: 0 })] },
      ],
      searches: [searchOf('naive', true, { database: 'sqlite' })],
    });
    expect(verdicts(input)).toEqual([`stress naive on ${POSTGRES.label}: no-evidence`, 'stress naive on sqlite: pass', 'search naive on sqlite: pass']);
  });

  it('gives no pass when nothing was checked, and interrupted beats every check', () => {
    expect(inputOf({ points: [{ findings: [], skipped: [{ name: 'select-for-update', reason: 'SQLite has no row locks' }] }] }).decision.verdict).toBe('no-evidence');
    const interrupted = inputOf({ points: [{ findings: [findingOf({ name: 'naive', expect: 'unsafe', outcomes: { integrity_error: 1 }, windows: 2 })] }], interrupted: true });
    expect(interrupted.decision.verdict).toBe('interrupted');
  });

  it('fails a baseline comparison that moved the wrong way', () => {
    const input = inputOf({
      points: [{ findings: [findingOf({ name: 'naive', expect: 'unsafe', outcomes: { integrity_error: 3 }, windows: 20 })] }],
      baseline: [{ name: 'naive', now: { violations: 3, ops: 200 }, before: { violations: 100, ops: 200 }, change: 'worse' }],
    });
    expect(verdicts(input)).toEqual(['stress naive: pass', 'baseline naive: fail']);
    expect(input.decision.verdict).toBe('fail');
  });

  it('keeps the integrity error sample of a reproduced finding', () => {
    const finding = findingOf({ name: 'naive', expect: 'unsafe', outcomes: { integrity_error: 1 }, windows: 2, samples: [integrityErrorSample()] });
    expect(finding.firstViolation?.error.code).toBe('23505');
  });
});

describe('statements that went around racelab', () => {
  const uncontrolled = POSTGRES_JS_STATEMENTS;

  it('make a run without a violation no evidence, however many race windows it counted; a violation is still evidence', () => {
    expect(findingOf({ name: 'a', expect: 'safe', windows: 20, uncontrolled })).toMatchObject({ verdict: 'no-evidence', matchesExpectation: null, uncontrolled });
    expect(findingOf({ name: 'a', expect: 'unsafe', outcomes: { integrity_error: 2 }, windows: 20, uncontrolled }).verdict).toBe('reproduced');
  });

  it("give the gate no pass from a search that held: the search is no evidence, and it settles no stress check", () => {
    const input = inputOf({
      points: [{ findings: [findingOf({ name: 'profiles', expect: 'safe', windows: 0, uncontrolled })] }],
      searches: [searchOf('profiles', false, { uncontrolled })],
    });
    expect(verdicts(input)).toEqual(['stress profiles: no-evidence', 'search profiles: no-evidence']);
    expect(input.decision.verdict).toBe('no-evidence');
  });

  it('give explore no "holds", but leave a race it found standing', () => {
    expect(explorationVerdict(false, ['safe'], { scheduled: true, interrupted: false, uncontrolled })).toBe('no-evidence');
    expect(explorationVerdict(true, ['unsafe'], { scheduled: true, interrupted: false, uncontrolled })).toBe('pass');
    expect(explorationVerdict(false, ['safe'], { scheduled: true, interrupted: false })).toBe('pass');
  });
});
