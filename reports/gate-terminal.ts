/**
 * What `racelab gate` prints: its rules, one PASS or FAIL line per scenario with its reason, and
 * the baseline comparison. Plain lines: it is read in CI logs.
 */
import type { BaselineComparison } from '../harness/baseline.ts';
import type { ScenarioSearch } from '../harness/explore/search-scenarios.ts';
import type { Finding } from '../harness/finding.ts';
import { allFindings, type ReportInput } from '../harness/report-input.ts';
import { searchLines as exploreLines } from './explore-terminal.ts';
import { count, percent, rateWithInterval } from './format.ts';
import { holdsBound, OPEN_MORE_WINDOWS } from './windows-words.ts';

export interface GateLine {
  pass: boolean;
  text: string;
}

export function gateRules(alpha: number | undefined, search: { runs: number; timeLimitMs: number } | undefined): string[] {
  return [
    'rules: a safe scenario passes when the stress run shows no violation (the bound per race window says how strong',
    '       that is) and the search finds no interleaving that breaks it;',
    '       an unsafe scenario passes when either reproduces it; if neither does, the gate has lost its power;',
    ...(search === undefined
      ? ['       no search (--explore-runs 0): the stress run alone decides']
      : [`       search: up to ${count(search.runs)} inputs or ${search.timeLimitMs / 1000} s per scenario (--explore-runs, --explore-time)`]),
    ...(alpha === undefined
      ? []
      : [`       against the baseline, a rate that moved the wrong way by a pooled two-proportion z-test (two-sided, α = ${alpha}) fails.`]),
  ];
}

/**
 * One line per scenario (and swept value) for the stress run, then one per search: PASS or FAIL,
 * and why. An unsafe scenario the stress run missed passes when the search found its race.
 */
export function gateLines(input: ReportInput): GateLine[] {
  const searches = input.searches ?? [];
  const found = (name: string, database: string | undefined) => searches.some((s) => s.scenario === name && s.database === database && s.result.failed);
  const stress = allFindings(input).map(({ finding, point }) => {
    const at = `${input.sweep ? ` at ${input.sweep.parameter}=${point.value}` : ''}${point.database ? ` on ${point.database.label}` : ''}`;
    const rescued = !finding.matchesExpectation && finding.scenario.expect === 'unsafe' && found(finding.scenario.name, point.database?.label);
    const text = `${finding.scenario.name}${at}: ${reason(finding)}${rescued ? '; the search found it (below)' : ''}`;
    return { pass: finding.matchesExpectation || rescued, text };
  });
  const scenarioOf = (search: ScenarioSearch) =>
    allFindings(input).find(({ finding, point }) => finding.scenario.name === search.scenario && point.database?.label === search.database)?.finding.scenario;
  return [...stress, ...searches.map((search) => searchLine(search, scenarioOf(search)))];
}

/** The search of one scenario: what was searched, and the minimal interleaving when it broke. */
function searchLine(search: ScenarioSearch, scenario: Finding['scenario'] | undefined): GateLine {
  const { result } = search;
  const expect = scenario?.expect;
  const seconds = `${(search.elapsedMs / 1000).toFixed(1)} s`;
  const name = `search ${search.scenario}${search.database === undefined ? '' : ` on ${search.database}`}`;
  if (!result.failed) {
    const capped = result.timedOut ? `, stopped by the ${search.budget.timeLimitMs / 1000} s cap` : '';
    const what = `no counterexample in ${count(result.numRuns)} inputs (${count(result.interleavings)} distinct interleavings, ${seconds}${capped}; seed ${result.seed})`;
    return { pass: expect !== 'unsafe', text: `${name}: ${what}${expect === 'unsafe' ? ': the gate has lost its power' : ''}` };
  }
  const account = exploreLines(search.argument, result, () => scenario?.isolation ?? search.isolation);
  const verdict = expect === 'safe' ? 'expected safe, but broken' : 'reproduced';
  return { pass: expect !== 'safe', text: [`${name}: ${verdict} in ${seconds}: ${account[0]}`, ...account.slice(1).map((line) => `       ${line}`)].join('\n') };
}

function reason(f: Finding): string {
  const { declared } = f.scenario;
  const expected = declared ? `declared ${f.scenario.expect} with --expect` : `expected ${f.scenario.expect}`;
  if (declared && !f.matchesExpectation) return `${expected}, but ${f.verdict === 'holds' ? 'held' : 'reproduced'}: ${rateWithInterval(f.rate)} in ${count(f.ops)} ops`;
  if (f.scenario.expect === 'safe') {
    return f.verdict === 'holds'
      ? `${expected}, ${holdsBound(f)}`
      : `${expected}, but ${count(f.violations)} violations in ${count(f.ops)} ops (${count(f.windows)} race windows): ${rateWithInterval(f.windowRate)} per window`;
  }
  return f.verdict === 'reproduced'
    ? `${expected}, reproduced: ${rateWithInterval(f.windowRate)} per race window, ${rateWithInterval(f.rate)} per op`
    : `${expected}, but held in ${count(f.ops)} ops, ${count(f.windows)} race windows: the stress run has lost its power; ${OPEN_MORE_WINDOWS}`;
}

export function baselineLines(comparisons: readonly BaselineComparison[]): GateLine[] {
  return comparisons.map((c) => {
    const at = `${c.sweepValue === undefined ? '' : ` at ${c.sweepValue}`}${c.database === undefined ? '' : ` on ${c.database}`}`;
    if (c.now.violations === 0 && c.before.violations === 0) {
      // Nothing to compare, but nothing moved either: say so rather than "not comparable".
      return { pass: true, text: `baseline ${c.name}${at}: both 0 violations, in ${count(c.now.ops)} ops now and ${count(c.before.ops)} in the baseline: unchanged` };
    }
    const rates = `${percent(c.now.violations / c.now.ops)} now, ${percent(c.before.violations / c.before.ops)} in the baseline`;
    const stats = c.test ? ` (z = ${c.test.z.toFixed(2)}, p = ${c.test.pValue.toPrecision(2)})` : '';
    return { pass: c.change !== 'worse', text: `baseline ${c.name}${at}: ${rates}${stats}: ${c.change}` };
  });
}
