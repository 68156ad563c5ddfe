/**
 * The invocation's verdict, decided once, as a value: per check (each scenario's stress run on each
 * database and swept value, each search, each baseline comparison) and overall. The exit code, the
 * terminal, junit.xml, report.json and report.md only render it, so they cannot disagree.
 */
import type { UncontrolledStatements } from './intercept/uncontrolled.ts';
import type { BaselineComparison } from './baseline.ts';
import type { ScenarioSearch } from './explore/search-scenarios.ts';
import type { Finding } from './finding.ts';
import type { Expectation } from './contract/outcomes.ts';

/**
 * - `pass`: what the scenario expects was shown (a race reproduced, or none in race windows that
 *   could have shown one and, when searched, in interleavings that were scheduled);
 * - `fail`: the opposite was shown;
 * - `broken`: errors that are not races, or a run that stopped under them: no verdict on the race;
 * - `no-evidence`: nothing was shown either way (no race window, no interleaving scheduled): the
 *   check has lost its power, which a gate does not count as a pass.
 */
export type CheckVerdict = 'pass' | 'fail' | 'broken' | 'no-evidence';

/** The overall verdict: the worst of the checks, or `interrupted` when Ctrl-C cut the run short. */
export type OverallVerdict = CheckVerdict | 'interrupted';

interface CheckOf<Kind extends string> {
  kind: Kind;
  verdict: CheckVerdict;
  scenario: string;
  /** With a list of databases, the one checked (its `--db` label). */
  database?: string;
}

/** One scenario's stress run on one database (and swept value). */
export interface StressCheck extends CheckOf<'stress'> {
  finding: Finding;
  sweepValue?: number;
  /**
   * The search on the same database that decided what this stress run alone could not: it found
   * the race an unsafe scenario expects, or scheduled the statements of a safe scenario whose
   * stress run opened no race window.
   */
  settledBy?: ScenarioSearch;
  /** The gate's search of the same scenario on the same database, when it made one: its own check says what it showed. */
  search?: ScenarioSearch;
}

/** The gate's search of one scenario's interleavings on one database. */
export interface SearchCheck extends CheckOf<'search'> {
  search: ScenarioSearch;
  /** The scenario's stress run on that database: its expectation there is the search's. */
  finding: Finding | undefined;
}

/** One scenario's rate against a stored baseline. */
export interface BaselineCheck extends CheckOf<'baseline'> {
  comparison: BaselineComparison;
}

export type Check = StressCheck | SearchCheck | BaselineCheck;

export interface Decision {
  verdict: OverallVerdict;
  checks: Check[];
}

/** What the verdict is decided from: a ReportInput is one. */
export interface DecisionInput {
  points: readonly { value?: number; findings: readonly Finding[]; database?: { label: string } }[];
  searches?: readonly ScenarioSearch[];
  interrupted: boolean;
  /** Why the run broke, if it did: the overall verdict is then `broken` whatever the checks say. */
  failure?: string;
}

/** Worst first: the overall verdict is the first of these that any check has. */
const SEVERITY: readonly CheckVerdict[] = ['broken', 'fail', 'no-evidence', 'pass'];

export function decide(input: DecisionInput, baseline: readonly BaselineComparison[] = []): Decision {
  const searches = input.searches ?? [];
  const searchOf = (scenario: string, database: string | undefined) => searches.find((s) => s.scenario === scenario && s.database === database);
  const stress = input.points.flatMap((point) =>
    point.findings.map((finding) => stressCheck(finding, point.value, point.database?.label, searchOf(finding.scenario.name, point.database?.label))),
  );
  const checks: Check[] = [
    ...stress,
    ...searches.map((search) => searchCheck(search, stress.find((c) => c.scenario === search.scenario && c.database === search.database)?.finding)),
    ...baseline.map(baselineCheck),
  ];
  return { verdict: overall(input, checks), checks };
}

function overall(input: DecisionInput, checks: readonly Check[]): OverallVerdict {
  if (input.interrupted) return 'interrupted';
  if (input.failure !== undefined) return 'broken';
  // Nothing checked is no evidence, never a pass: every scenario was skipped, say.
  if (checks.length === 0) return 'no-evidence';
  return SEVERITY.find((verdict) => checks.some((check) => check.verdict === verdict))!;
}

function stressCheck(finding: Finding, sweepValue: number | undefined, database: string | undefined, search: ScenarioSearch | undefined): StressCheck {
  const base = {
    kind: 'stress' as const,
    scenario: finding.scenario.name,
    finding,
    ...(sweepValue !== undefined && { sweepValue }),
    ...(database !== undefined && { database }),
    ...(search && { search }),
  };
  const unsafe = finding.scenario.expect === 'unsafe';
  switch (finding.verdict) {
    case 'broken':
      return { ...base, verdict: 'broken' };
    case 'reproduced':
      return { ...base, verdict: unsafe ? 'pass' : 'fail' };
    case 'holds':
    case 'no-evidence': {
      // The search shows on purpose what sampling may miss: the race an unsafe scenario expects,
      // or, for a safe one whose ops never overlapped, interleavings of its statements that held.
      if (unsafe && search?.result.failed) return { ...base, verdict: 'pass', settledBy: search };
      if (!unsafe && finding.verdict === 'no-evidence' && finding.uncontrolled === undefined && search && !search.result.failed && search.result.contested > 0 && search.result.uncontrolled === undefined) {
        return { ...base, verdict: 'pass', settledBy: search };
      }
      if (finding.verdict === 'no-evidence') return { ...base, verdict: 'no-evidence' };
      return { ...base, verdict: unsafe ? 'fail' : 'pass' };
    }
  }
}

function searchCheck(search: ScenarioSearch, finding: Finding | undefined): SearchCheck {
  const expect = finding?.scenario.expect;
  const base = { kind: 'search' as const, scenario: search.scenario, search, finding, ...(search.database !== undefined && { database: search.database }) };
  const { result } = search;
  if (result.failed) return { ...base, verdict: expect === 'safe' ? 'fail' : 'pass' };
  if (result.contested === 0 || result.uncontrolled !== undefined) return { ...base, verdict: 'no-evidence' };
  return { ...base, verdict: expect === 'unsafe' ? 'fail' : 'pass' };
}

function baselineCheck(comparison: BaselineComparison): BaselineCheck {
  return {
    kind: 'baseline',
    scenario: comparison.name,
    comparison,
    ...(comparison.database !== undefined && { database: comparison.database }),
    verdict: comparison.change === 'worse' ? 'fail' : 'pass',
  };
}

/**
 * The overall verdict that no check carries, if any: a run that broke or was interrupted outside
 * every check, or that checked nothing (no evidence). Outputs that list checks (junit.xml, the
 * GitHub annotations) show it once more, beside them.
 */
export function verdictOutsideChecks(decision: Decision): OverallVerdict | undefined {
  const { verdict, checks } = decision;
  if ((verdict === 'broken' || verdict === 'interrupted') && !checks.some((check) => check.verdict === 'broken')) return verdict;
  return checks.length === 0 ? verdict : undefined;
}

/** The checks that did not pass, worst first. */
export function unpassedChecks(decision: Decision): Check[] {
  return SEVERITY.slice(0, -1).flatMap((verdict) => decision.checks.filter((check) => check.verdict === verdict));
}

/** The stress check of one finding: every finding of the invocation has exactly one. */
export function stressCheckOf(decision: Decision, finding: Finding): StressCheck {
  return decision.checks.find((check): check is StressCheck => check.kind === 'stress' && check.finding === finding)!;
}

/**
 * An exploration's verdict: Ctrl-C makes it `interrupted` whatever it had found; else a search, an
 * enumeration or a replay that never ordered two workers' statements, or whose ops sent statements
 * racelab could not schedule, is `no-evidence` unless it broke the property; else it passes when a
 * race was found where the scenario is expected unsafe at every level explored, or none where it
 * is expected safe at every one.
 */
export function explorationVerdict(
  reproduced: boolean,
  expectations: readonly Expectation[],
  found: { scheduled: boolean; interrupted: boolean; uncontrolled?: UncontrolledStatements },
): OverallVerdict {
  if (found.interrupted) return 'interrupted';
  if (!reproduced && !found.scheduled) return 'no-evidence';
  // What held held only for the statements racelab scheduled: the others ran around the interleaving.
  if (!reproduced && found.uncontrolled !== undefined) return 'no-evidence';
  return expectations.every((expect) => expect === (reproduced ? 'unsafe' : 'safe')) ? 'pass' : 'fail';
}

/** Whether what was shown matches the expectation: null where nothing was decided (no evidence, broken, interrupted). */
export function matchOf(verdict: OverallVerdict): boolean | null {
  return verdict === 'pass' ? true : verdict === 'fail' ? false : null;
}
