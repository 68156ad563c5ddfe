/**
 * report.json: the machine-readable contract of docs/architecture.md (`schemaVersion`, `database`, `config`,
 * `scenarios[]` with `outcomes`, `rate` and `verdict`), plus the evidence behind each verdict.
 * Its type is written out in reports/json-report.ts, which TypeScript checks this renderer against;
 * reports/report.schema.json describes it, json-report.test.ts checks the two agree, and tests
 * validate every report against the schema.
 */
import type { AnalyticExpectation } from '../harness/analytic.ts';
import type { Finding } from '../harness/finding.ts';
import { allFindings, type ReportInput, type ReportPoint, type ScenarioFileCopy } from '../harness/report-input.ts';
import type { RunConfig } from '../harness/contract/run-config.ts';
import type { ScenarioSearch } from '../harness/explore/search-scenarios.ts';
import { interleavingLines, outcomesLine } from './interleaving.ts';
import { replayCommand, searchReplayCommand } from './explore-terminal.ts';
import { inReportDir } from './rerun-words.ts';
import { dominantViolation, matrixCells } from './matrix.ts';
import { stressCheckOf, type Check } from '../harness/verdict.ts';
import { checkText, overallWords } from './check-words.ts';
import type { JsonCheck, JsonConfig, JsonExpectation, JsonMatrixCell, JsonReport, JsonScenario, JsonSearch } from './json-report.ts';

/** The public type lives in json-report.ts, written out; importers of json.ts keep finding it here. */
export type { JsonReport } from './json-report.ts';

/**
 * 3: verdicts `no-evidence` and `broken`, `matchesExpectation` null without a verdict, the decision in `result`.
 * 4: `config.amplify`, and `expectation` null for an amplified run.
 */
export const SCHEMA_VERSION = 4;

function configOf(config: RunConfig): Omit<JsonConfig, 'schedule'> {
  return {
    workers: config.workers,
    threads: config.threads,
    opsPerWorker: config.opsPerWorker,
    durationMs: config.durationMs ?? null,
    keys: config.keys,
    keySpace: config.keySpace,
    // Occupancy means nothing for the real key space: every session lives through the run.
    occupancy: config.keys === 'shrunk' ? config.occupancy : null,
    isolation: config.isolation,
    maxAttempts: config.maxAttempts,
    seed: config.seed,
    amplify: config.amplify === true,
  };
}

function scenarioOf(finding: Finding, point: ReportPoint, input: ReportInput): JsonScenario {
  return {
    name: finding.scenario.name,
    expect: finding.scenario.expect,
    why: finding.scenario.why,
    origin: finding.scenario.origin,
    isolation: finding.scenario.isolation,
    ...(finding.scenario.command && { command: finding.scenario.command }),
    ...(input.sweep && { sweep: { parameter: input.sweep.parameter, value: point.value!, expectation: point.expectation ? expectationOf(point.expectation) : null } }),
    ...(point.database && { database: point.database.label }),
    property: finding.property,
    ops: finding.ops,
    outcomes: finding.outcomes,
    violations: finding.violations,
    loudViolations: finding.loudViolations,
    silentViolations: finding.silentViolations,
    rate: finding.rate,
    windows: finding.windows,
    windowRate: finding.windowRate,
    savesSessions: finding.savesSessions,
    integrityErrorRate: finding.integrityErrorRate,
    silentRate: finding.silentRate,
    retries: finding.retries,
    keysDrawn: finding.draws,
    verdict: finding.verdict,
    matchesExpectation: finding.matchesExpectation,
    brokenBy: finding.brokenBy ?? null,
    uncontrolled: finding.uncontrolled ?? null,
    check: checkOf(stressCheckOf(input.decision, finding), input),
    firstViolation: finding.firstViolation ?? null,
    firstLoudViolation: finding.firstLoudViolation ?? null,
    firstSilentViolation: finding.firstSilentViolation ?? null,
    firstCapacityFailure: finding.firstCapacityFailure ?? null,
    firstHarnessFailure: finding.firstHarnessFailure ?? null,
    workerFailures: finding.workerFailures,
    invariantProblems: finding.invariantProblems,
    elapsedMs: Math.round(finding.elapsedMs),
    opsPerSecond: Math.round(finding.opsPerSecond),
    releasedAt: finding.releasedAt > 0 ? new Date(finding.releasedAt).toISOString() : null,
    statements: finding.statements,
    statementsPerSecond: Math.round(finding.statementsPerSecond),
  };
}

/** What chance predicts, as report.json gives it: JSON has no infinity, so an infinite `expectedRedraws` is null, in race()'s report as in the file. */
function expectationOf(expectation: AnalyticExpectation): JsonExpectation {
  return { ...expectation, expectedRedraws: Number.isFinite(expectation.expectedRedraws) ? expectation.expectedRedraws : null };
}

/** A search as report.json gives it; its replay commands name the scenario file's copy in the report's directory. */
function searchOf(search: ScenarioSearch, files: readonly ScenarioFileCopy[]): JsonSearch {
  const { result } = search;
  return {
    scenario: search.scenario,
    ...(search.database !== undefined && { database: search.database }),
    isolation: search.isolation,
    budget: search.budget,
    elapsedMs: Math.round(search.elapsedMs),
    seed: result.seed,
    inputs: result.numRuns,
    counterexample: result.failed
      ? {
          input: result.run.input,
          interleaving: interleavingLines(result.run),
          outcomes: outcomesLine(result.run),
          path: result.path,
          shrinks: result.numShrinks,
          replayCommand: searchReplayCommand(inReportDir(search.argument, files), result.seed, result.path),
          scheduleCommand: replayCommand(inReportDir(search.argument, files), result.run),
        }
      : null,
    ...(!result.failed && { interleavings: result.interleavings, contested: result.contested, timedOut: result.timedOut }),
    uncontrolled: result.uncontrolled ?? null,
  };
}

/** A check as report.json gives it: what it is about, its verdict, and why in words. */
function checkOf(check: Check, input: ReportInput): JsonCheck {
  return {
    kind: check.kind,
    scenario: check.scenario,
    database: check.database ?? null,
    sweepValue: check.kind === 'stress' ? (check.sweepValue ?? null) : null,
    verdict: check.verdict,
    reason: checkText(check, input),
  };
}

export function toJsonReport(input: ReportInput): JsonReport {
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: input.tool,
    createdAt: input.startedAt.toISOString(),
    // The decision every output renders: the exit code is this verdict's (docs/architecture.md).
    result: {
      verdict: input.decision.verdict,
      summary: overallWords(input),
      checks: input.decision.checks.map((check) => checkOf(check, input)),
    },
    interrupted: input.interrupted,
    failure: input.failure ?? null,
    replayCommand: input.replayCommand,
    // What was typed, and the scenario files copied beside the report, which replayCommand names.
    commandLine: input.commandLine ?? null,
    scenarioFiles: input.scenarioFiles,
    nodeVersion: input.nodeVersion,
    database: input.database,
    // With a list of databases: all of them, and the table across them (scenarios[] name theirs).
    databases: input.databases ?? null,
    databasesNotRun: input.databasesNotRun ?? [],
    matrix: input.databases
      ? matrixCells(input).map((cell): JsonMatrixCell => ({
          database: cell.database.label,
          scenario: cell.scenario,
          verdict: cell.finding?.verdict ?? (cell.skipped === undefined ? 'not run' : 'skipped'),
          matchesExpectation: cell.finding?.matchesExpectation ?? null,
          check: cell.check?.verdict ?? null,
          rate: cell.finding?.rate ?? null,
          dominantViolation: (cell.finding && dominantViolation(cell.finding)) ?? null,
        }))
      : null,
    skipped: input.points.flatMap((point) => point.skipped.map((s) => ({ name: s.name, database: (point.database ?? input.database).label, reason: s.reason }))),
    config: { ...configOf(input.config), schedule: input.schedule },
    sweep: input.sweep ?? null,
    expectation: input.points[0]?.expectation ? expectationOf(input.points[0].expectation) : null,
    scenarios: allFindings(input).map(({ finding, point }) => scenarioOf(finding, point, input)),
    searches: (input.searches ?? []).map((search) => searchOf(search, input.scenarioFiles)),
  };
}

export function renderJson(input: ReportInput): string {
  return `${JSON.stringify(toJsonReport(input), null, 2)}\n`;
}
