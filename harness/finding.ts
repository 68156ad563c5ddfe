import { mergeUncontrolled, type UncontrolledStatements } from './intercept/uncontrolled.ts';
import type { FailurePhase, WorkerFailureRecord, WorkerReport } from './protocol.ts';
import { describeWorkerFailure } from './worker-failure.ts';
import { expectationUnder } from './define-scenario.ts';
import { CAPACITY, HARNESS_FAILURES, LOUD_VIOLATIONS, OUTCOMES, SILENT_VIOLATIONS, VIOLATIONS, type Expectation, type OutcomeCounts } from './contract/outcomes.ts';
import type { OpSample } from './contract/results.ts';
import type { AuditProblem, Scenario } from './contract/scenario.ts';
import type { Isolation, DatabaseFamily } from './contract/store.ts';
import type { StepEvent } from './recording-store.ts';
import { keyValuesOf } from './key-values.ts';
import { timelineOf, timelineOfNamedOps } from './timeline.ts';
import type { TimelineEntry } from './contract/results.ts';
import { wilson, type Rate } from './wilson.ts';

/** Problems of a scenario's audit kept as evidence: enough to show, flat in memory. */
const MAX_PROBLEMS_KEPT = 20;

/**
 * What one run showed of the race, decided here once:
 * - `reproduced`: a violation, in a run whose every op ended as a race or ok;
 * - `holds`: no violation, in race windows that could have shown one;
 * - `no-evidence`: no violation, but no race window either: no two ops ever held a key at once,
 *   so the run says nothing about the race; or its ops sent statements racelab could not see
 *   whole or time (`uncontrolled`), whose windows it cannot count;
 * - `broken`: ops or workers failed for reasons that are not races (or the run stopped under
 *   them): no verdict on the race, whatever else it counted.
 */
export type Verdict = 'reproduced' | 'holds' | 'no-evidence' | 'broken';

/** A worker that could not do its share, and why. */
export interface WorkerFailure extends WorkerFailureRecord {
  /** The worker's number, counted from 1. */
  worker: number;
}

/** The property's verdict over one run of one scenario. */
export interface Finding {
  /** The scenario as it ran: its expectation is the one for the isolation level it ran at. */
  scenario: {
    name: string;
    expect: Expectation;
    why: string;
    origin: string;
    isolation: Isolation | 'autocommit';
    /** True when the expectation was declared for this run (`--expect`) in place of the scenario's own. */
    declared: boolean;
    /** A command scenario's: the program its processes ran, with its arguments. */
    command?: readonly string[];
  };
  property: string;
  ops: number;
  outcomes: OutcomeCounts;
  /** Ops that violate the property: the outcomes in VIOLATIONS, loud or silent. */
  violations: number;
  /** Violations per op, with its 95% Wilson interval. */
  rate: Rate;
  /**
   * Race windows: ops whose hold on a key overlapped another op's hold on the same key (see
   * race-windows.ts). Only they could race, so they, not ops, are the trials of the property. At
   * least the number of violations, since every violation is evidence of one.
   */
  windows: number;
  /** Violations per race window, with its 95% Wilson interval: the bound a `holds` verdict rests on. */
  windowRate: Rate;
  /**
   * True when the scenario saves sessions under drawn keys (it returns `ctx.saved(row)`), so the
   * session words apply: keys redrawn, sessions overwritten or lost, what chance predicts.
   */
  savesSessions: boolean;
  /** IntegrityErrors (PostgreSQL 23505, MySQL 1062, SQLite SQLITE_CONSTRAINT_PRIMARYKEY) per op, with its 95% Wilson interval. */
  integrityErrorRate: Rate;
  /** Violations no caller saw (`overwritten`, `lost`) per op, with its 95% Wilson interval. */
  silentRate: Rate;
  /** Violations a caller saw as an error. */
  loudViolations: number;
  silentViolations: number;
  /**
   * Refusals the scenario absorbed by retrying with a new key (an INSERT that found the key taken,
   * a transaction the database refused): the caller never saw them.
   */
  retries: number;
  draws: number;
  verdict: Verdict;
  /** Whether `reproduced` or `holds` is what the scenario expects; null for `no-evidence` and `broken`, which are no verdict on the race. */
  matchesExpectation: boolean | null;
  /** The earliest violation, with the database's error exactly as reported. */
  firstViolation?: OpSample;
  /** The earliest violation a caller saw as an error, with the database's own words. */
  firstLoudViolation?: OpSample;
  /**
   * The earliest violation no caller saw: whose session, whose data, which key. An overwrite is
   * preferred to a loss, since it names the op that took the session.
   */
  firstSilentViolation?: OpSample;
  /** The earliest op that found no free key: capacity, not a race. */
  firstCapacityFailure?: OpSample;
  /** The earliest op that failed for a reason that is not a race: it taints the verdict. */
  firstHarnessFailure?: OpSample;
  workerFailures: WorkerFailure[];
  /** With the verdict `broken`: why, in one line (`w1 op3 failed with an error that is not a race: …`). */
  brokenBy?: string;
  /** Statements the ops' code sent that racelab could not schedule or time (another driver's, a synchronous one's). */
  uncontrolled?: UncontrolledStatements;
  /**
   * What the scenario's own audit hook found (the first few), each counted as `invariant_violated`,
   * with the timeline of the ops its message names (`w1:op3`) when they were recorded.
   */
  invariantProblems: (AuditProblem & { timeline?: TimelineEntry[] })[];
  elapsedMs: number;
  opsPerSecond: number;
  /** When the start barrier released the workers, in milliseconds since the epoch: the zero of every sample's `atMs`. */
  releasedAt: number;
  /** Statements the ops and their expiries sent, over all workers; the final audit's are not counted. */
  statements: number;
  statementsPerSecond: number;
}

/** What a run measured beside its workers' reports. */
export interface RunMeasures {
  /** The isolation level the run was configured with. */
  configured: Isolation;
  /** The database's SQL family, which picks the scenario's expectation. */
  family: DatabaseFamily;
  /** Race windows the workers counted. */
  windows: number;
  /** The expectation declared for this run (`--expect`), in place of the scenario's own. */
  declared?: Expectation;
  /** What the scenario's own audit found. */
  problems?: readonly AuditProblem[];
  /** Why the scenario's audit hook itself failed, when it did: what it would have found is unknown. */
  auditFailure?: string;
}

/** Folds the workers' reports of one run into the property's verdict. Pure: the checker. */
export function toFinding(scenario: Scenario, reports: readonly WorkerReport[], measures: RunMeasures): Finding {
  const { configured, family, declared, problems = [] } = measures;
  const outcomes = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as OutcomeCounts;
  let ops = 0;
  let retries = 0;
  let draws = 0;
  let saved = 0;
  let statements = 0;
  let releasedAt = Number.POSITIVE_INFINITY;
  let elapsedMs = 0;
  const samples: OpSample[] = [];
  const steps: StepEvent[] = [];
  const workerFailures: WorkerFailure[] = [];
  const uncontrolled = mergeUncontrolled(reports.map((report) => report.uncontrolled));
  const keyValueOf = keyValuesOf(scenario);
  for (const report of reports) {
    ops += report.ops;
    retries += report.retries;
    draws += report.draws;
    saved += report.saved;
    statements += report.statements;
    if (report.releasedAt > 0) releasedAt = Math.min(releasedAt, report.releasedAt);
    elapsedMs = Math.max(elapsedMs, report.elapsedMs);
    for (const outcome of OUTCOMES) outcomes[outcome] += report.outcomes[outcome];
    samples.push(...report.samples.map((sample) => ({ ...sample, scenario: scenario.name })));
    steps.push(...report.steps);
    if (report.failure) workerFailures.push({ worker: report.worker + 1, ...report.failure });
  }
  samples.sort((a, b) => a.atMs - b.atMs);
  // Each problem the scenario's own audit found is an op that was told ok but broke the invariant.
  const invariantViolations = Math.min(problems.length, outcomes.ok);
  outcomes.ok -= invariantViolations;
  outcomes.invariant_violated += invariantViolations;
  const sum = (list: readonly (keyof OutcomeCounts)[]) => list.reduce((total, outcome) => total + outcomes[outcome], 0);
  const violations = sum(VIOLATIONS);
  const silentViolations = sum(SILENT_VIOLATIONS);
  const isIn = (list: readonly string[]) => (s: OpSample) => list.includes(s.outcome);
  for (const sample of samples) {
    const keyValue = sample.key === undefined ? undefined : keyValueOf(sample.key);
    if (keyValue !== undefined) sample.keyValue = keyValue;
    const timeline = timelineOf(sample, steps, keyValueOf);
    if (timeline) sample.timeline = timeline;
  }
  const windows = Math.max(measures.windows, violations);
  const firstViolation = samples.find(isIn(VIOLATIONS));
  const firstLoudViolation = samples.find(isIn(LOUD_VIOLATIONS));
  const firstSilentViolation = samples.find(isIn(['overwritten'])) ?? samples.find(isIn(['lost']));
  const firstHarnessFailure = samples.find(isIn(HARNESS_FAILURES));
  const firstCapacityFailure = samples.find(isIn(CAPACITY));
  const brokenBy = brokenReason(firstHarnessFailure, workerFailures, outcomes) ?? measures.auditFailure;
  // Statements that went around racelab opened windows it never saw: no violation is then no evidence either way.
  const verdict: Verdict = brokenBy !== undefined ? 'broken' : violations > 0 ? 'reproduced' : windows > 0 && uncontrolled === undefined ? 'holds' : 'no-evidence';
  const underLevel = expectationUnder(scenario, configured, family);
  // A user's declaration (`--expect`) replaces the scenario's own for this run.
  const expected =
    declared === undefined
      ? { ...underLevel, declared: false }
      : { ...underLevel, expect: declared, why: `declared with --expect ${scenario.name}=${declared}`, declared: true };
  return {
    scenario: { name: scenario.name, origin: scenario.origin, ...expected, ...(scenario.command && { command: scenario.command.run }) },
    property: scenario.property,
    ops,
    outcomes,
    violations,
    rate: wilson(violations, ops),
    windows,
    windowRate: wilson(violations, windows),
    savesSessions: saved > 0,
    integrityErrorRate: wilson(outcomes.integrity_error, ops),
    silentRate: wilson(silentViolations, ops),
    loudViolations: sum(LOUD_VIOLATIONS),
    silentViolations,
    retries,
    draws,
    verdict,
    matchesExpectation: verdict === 'reproduced' || verdict === 'holds' ? (verdict === 'reproduced') === (expected.expect === 'unsafe') : null,
    ...(firstViolation && { firstViolation }),
    ...(firstLoudViolation && { firstLoudViolation }),
    ...(firstSilentViolation && { firstSilentViolation }),
    ...(firstCapacityFailure && { firstCapacityFailure }),
    ...(firstHarnessFailure && { firstHarnessFailure }),
    workerFailures,
    ...(brokenBy !== undefined && { brokenBy }),
    ...(uncontrolled && { uncontrolled }),
    invariantProblems: problems.slice(0, MAX_PROBLEMS_KEPT).map((problem) => {
      const timeline = timelineOfNamedOps(problem.message, steps, keyValueOf);
      return timeline ? { ...problem, timeline } : { ...problem };
    }),
    elapsedMs,
    opsPerSecond: elapsedMs > 0 ? (ops / elapsedMs) * 1000 : 0,
    releasedAt: Number.isFinite(releasedAt) ? releasedAt : 0,
    statements,
    statementsPerSecond: elapsedMs > 0 ? (statements / elapsedMs) * 1000 : 0,
  };
}

/**
 * Why a run is no verdict on the race, in one line, or undefined when it is one. The first op that
 * failed is the cause; a worker's failure (an audit on a dead connection, say) is usually its
 * consequence.
 */
function brokenReason(sample: OpSample | undefined, workerFailures: readonly WorkerFailure[], outcomes: OutcomeCounts): string | undefined {
  if (sample) {
    const what = sample.outcome === 'indeterminate' ? 'may or may not have committed' : 'failed with an error that is not a race';
    return `w${sample.worker} op${sample.op} ${what}: ${sample.error.message.split('\n')[0]}`;
  }
  // Workers sample the first ops of each outcome, so a count without a sample is only a safeguard.
  const failed = HARNESS_FAILURES.filter((outcome) => outcomes[outcome] > 0);
  if (failed.length > 0) return `ops ended ${failed.map((outcome) => `${outcome} (${outcomes[outcome]})`).join(' and ')}`;
  // Of the workers that failed, the one that failed earliest in the run is the cause: when the
  // database dies, one worker loses it in an expiry and the others, stopped, then fail their audit.
  const [worker] = [...workerFailures].sort((a, b) => PHASE_ORDER.indexOf(a.phase) - PHASE_ORDER.indexOf(b.phase));
  return worker && describeWorkerFailure(worker);
}

/** A worker's phases in the order a run goes through them. */
const PHASE_ORDER: readonly FailurePhase[] = ['load', 'connect', 'start-barrier', 'op', 'expire', 'finish-barrier', 'audit'];
