import { describe, expect, it } from 'vitest';
import { OUTCOMES, type OutcomeCounts } from './contract/outcomes.ts';
import type { Scenario } from './contract/scenario.ts';
import { toFinding } from './finding.ts';
import type { WorkerReport } from './protocol.ts';

/** The checker on fixture values: what it makes of workers' reports, with no database. */
const scenario = (expect: 'safe' | 'unsafe'): Scenario => ({
  kind: 'racelab.scenario',
  name: 'fixture',
  expect,
  why: 'by fixture',
  origin: 'a test',
  property: 'a new session is saved without error',
  op: async () => undefined,
  isolation: 'configured',
  expectUnder: { serializable: { expect: 'safe', why: 'serializable by fixture' } },
});

function report(worker: number, counts: Partial<OutcomeCounts>, extra: Partial<WorkerReport> = {}): WorkerReport {
  const outcomes = Object.fromEntries(OUTCOMES.map((o) => [o, counts[o] ?? 0])) as OutcomeCounts;
  const ops = Object.values(outcomes).reduce((a, b) => a + b, 0);
  return { worker, ops, outcomes, retries: 1, draws: ops + 2, saved: outcomes.ok, statements: ops * 2, samples: [], elapsedMs: 500 + worker, releasedAt: 1_000 + worker, steps: [], ...extra };
}

const measures = { configured: 'read-committed' as const, family: 'postgresql' as const, windows: 40 };

describe('toFinding, the checker', () => {
  it('sums the workers, and takes the earliest release and the longest worker', () => {
    const finding = toFinding(scenario('unsafe'), [report(0, { ok: 90, integrity_error: 10 }), report(1, { ok: 95, overwritten: 5 })], measures);
    expect(finding.ops).toBe(200);
    expect(finding.outcomes).toMatchObject({ ok: 185, integrity_error: 10, overwritten: 5 });
    expect([finding.violations, finding.loudViolations, finding.silentViolations]).toEqual([15, 10, 5]);
    expect([finding.retries, finding.draws, finding.statements]).toEqual([2, 204, 400]);
    expect([finding.releasedAt, finding.elapsedMs]).toEqual([1_000, 501]);
    expect(finding.opsPerSecond).toBeCloseTo((200 / 501) * 1000);
    expect(finding.rate.value).toBeCloseTo(15 / 200);
    expect(finding.windowRate.value).toBeCloseTo(15 / 40);
    expect(finding.integrityErrorRate.value).toBeCloseTo(10 / 200);
    expect([finding.verdict, finding.matchesExpectation]).toEqual(['reproduced', true]);
  });

  it('counts each problem the audit found as an op told ok that broke the invariant, never more than the ok ops', () => {
    const problems = [{ message: 'two profiles for u1' }, { message: 'two profiles for u2' }, { message: 'three for u3' }];
    const finding = toFinding(scenario('safe'), [report(0, { ok: 2 })], { ...measures, problems });
    expect(finding.outcomes).toMatchObject({ ok: 0, invariant_violated: 2 });
    expect(finding.invariantProblems.map((p) => p.message)).toEqual(problems.map((p) => p.message));
    expect([finding.verdict, finding.matchesExpectation]).toEqual(['reproduced', false]);
  });

  it('holds only on race windows: none is no evidence either way, and violations count as windows', () => {
    expect(toFinding(scenario('safe'), [report(0, { ok: 100 })], measures)).toMatchObject({ verdict: 'holds', matchesExpectation: true });
    expect(toFinding(scenario('safe'), [report(0, { ok: 100 })], { ...measures, windows: 0 })).toMatchObject({ verdict: 'no-evidence', matchesExpectation: null });
    expect(toFinding(scenario('unsafe'), [report(0, { ok: 97, integrity_error: 3 })], { ...measures, windows: 0 }).windows).toBe(3);
  });

  it('is no evidence when statements went around racelab, unless it found the race anyway', () => {
    const uncontrolled = { count: 4, examples: ['SELECT 1'], causes: ['another driver'] };
    expect(toFinding(scenario('safe'), [report(0, { ok: 100 }, { uncontrolled })], measures)).toMatchObject({ verdict: 'no-evidence', uncontrolled });
    expect(toFinding(scenario('unsafe'), [report(0, { ok: 99, integrity_error: 1 }, { uncontrolled })], measures).verdict).toBe('reproduced');
  });

  it('is broken, naming the first op, when ops failed for reasons that are not races; and when the audit hook failed', () => {
    const sample = { outcome: 'error' as const, worker: 2, op: 7, atMs: 3, error: { code: '42P01', message: 'relation "x" does not exist\nmore' } };
    const broken = toFinding(scenario('unsafe'), [report(1, { ok: 9, error: 1, integrity_error: 1 }, { samples: [sample] })], measures);
    expect(broken).toMatchObject({ verdict: 'broken', matchesExpectation: null, brokenBy: 'w2 op7 failed with an error that is not a race: relation "x" does not exist' });
    expect(broken.firstHarnessFailure).toMatchObject({ op: 7, scenario: 'fixture' });
    expect(toFinding(scenario('safe'), [report(0, { ok: 10 })], { ...measures, auditFailure: 'the audit threw' })).toMatchObject({ verdict: 'broken', brokenBy: 'the audit threw' });
  });

  it('names a failed worker when no op sample says why, the earliest phase first', () => {
    const failure = (phase: 'op' | 'audit', op?: number) => ({ phase, cause: 'error' as const, ...(op && { op }), error: { message: 'connection lost\nstack' } });
    const finding = toFinding(scenario('safe'), [report(0, { ok: 5 }, { failure: failure('audit') }), report(1, { ok: 5 }, { failure: failure('op', 3) })], measures);
    expect(finding.brokenBy).toBe('worker 2 failed during op 3: connection lost');
    expect(finding.workerFailures.map((f) => f.worker)).toEqual([1, 2]);
  });

  it("takes the expectation under the configured level, and a declared one over the scenario's own", () => {
    const under = toFinding(scenario('unsafe'), [report(0, { ok: 100 })], { ...measures, configured: 'serializable' });
    expect(under.scenario).toMatchObject({ expect: 'safe', why: 'serializable by fixture', isolation: 'serializable', declared: false });
    expect(toFinding(scenario('unsafe'), [report(0, { ok: 100 })], measures).scenario).toMatchObject({ expect: 'unsafe', isolation: 'read-committed' });
    expect(under.matchesExpectation).toBe(true);
    const declared = toFinding(scenario('unsafe'), [report(0, { ok: 100 })], { ...measures, declared: 'safe' });
    expect(declared.scenario).toMatchObject({ expect: 'safe', why: 'declared with --expect fixture=safe', declared: true });
  });
});
