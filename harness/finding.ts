import type { WorkerReport } from './protocol.ts';
import {
  HARNESS_FAILURES,
  OUTCOMES,
  VIOLATIONS,
  type Expectation,
  type OpSample,
  type OutcomeCounts,
  type Scenario,
} from './types.ts';
import { wilson, type Rate } from './wilson.ts';

/** The property every session scenario is checked against. */
export const PROPERTY = 'a new session is saved without error';

export type Verdict = 'reproduced' | 'holds';

/** A worker that could not do its share, and why. */
export interface WorkerFailure {
  worker: number;
  phase: NonNullable<WorkerReport['failure']>['phase'];
  error: NonNullable<WorkerReport['failure']>['error'];
}

/** The property's verdict over one run of one scenario. */
export interface Finding {
  scenario: { name: string; expect: Expectation; why: string; origin: string };
  property: string;
  ops: number;
  outcomes: OutcomeCounts;
  /** Ops whose caller saw the job fail: the outcomes in VIOLATIONS. */
  violations: number;
  /** Violations per op, with its 95% Wilson interval. */
  rate: Rate;
  /** IntegrityErrors (SQLSTATE 23505) per op, with its 95% Wilson interval. */
  integrityErrorRate: Rate;
  /** Collisions the scenario absorbed by retrying: the race happened, the caller never saw it. */
  retries: number;
  draws: number;
  verdict: Verdict;
  matchesExpectation: boolean;
  /** The earliest violation, with the database's error exactly as reported. */
  firstViolation?: OpSample;
  /** The earliest op that failed for a reason that is not a race: it taints the verdict. */
  firstHarnessFailure?: OpSample;
  workerFailures: WorkerFailure[];
  elapsedMs: number;
  opsPerSecond: number;
}

/** Folds the workers' reports of one run into the property's verdict. Pure: the checker. */
export function toFinding(scenario: Scenario, reports: readonly WorkerReport[]): Finding {
  const outcomes = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as OutcomeCounts;
  let ops = 0;
  let retries = 0;
  let draws = 0;
  let elapsedMs = 0;
  const samples: OpSample[] = [];
  const workerFailures: WorkerFailure[] = [];
  for (const report of reports) {
    ops += report.ops;
    retries += report.retries;
    draws += report.draws;
    elapsedMs = Math.max(elapsedMs, report.elapsedMs);
    for (const outcome of OUTCOMES) outcomes[outcome] += report.outcomes[outcome];
    samples.push(...report.samples);
    if (report.failure) workerFailures.push({ worker: report.worker, ...report.failure });
  }
  samples.sort((a, b) => a.atMs - b.atMs);
  const violations = VIOLATIONS.reduce((sum, outcome) => sum + outcomes[outcome], 0);
  const verdict: Verdict = violations > 0 ? 'reproduced' : 'holds';
  const isViolation = (s: OpSample) => (VIOLATIONS as readonly string[]).includes(s.outcome);
  const isHarnessFailure = (s: OpSample) => (HARNESS_FAILURES as readonly string[]).includes(s.outcome);
  const firstViolation = samples.find(isViolation);
  const firstHarnessFailure = samples.find(isHarnessFailure);
  return {
    scenario: { name: scenario.name, expect: scenario.expect, why: scenario.why, origin: scenario.origin },
    property: PROPERTY,
    ops,
    outcomes,
    violations,
    rate: wilson(violations, ops),
    integrityErrorRate: wilson(outcomes.integrity_error, ops),
    retries,
    draws,
    verdict,
    matchesExpectation: (verdict === 'reproduced') === (scenario.expect === 'unsafe'),
    ...(firstViolation && { firstViolation }),
    ...(firstHarnessFailure && { firstHarnessFailure }),
    workerFailures,
    elapsedMs,
    opsPerSecond: elapsedMs > 0 ? (ops / elapsedMs) * 1000 : 0,
  };
}
