/**
 * Every check's verdict in words, and the whole invocation's: the gate's lines, reproduce's
 * closing lines, junit.xml's failures and errors, report.json's reasons and report.md's title all
 * take them from here. The verdicts themselves are decided in harness/verdict.ts; this file only
 * says them.
 */
import type { Finding } from '../harness/finding.ts';
import type { ReportInput } from '../harness/report-input.ts';
import type { BaselineCheck, Check, OverallVerdict, SearchCheck, StressCheck } from '../harness/verdict.ts';
import { notInterleaved, searchLines as exploreLines } from './explore-terminal.ts';
import { count, magnitude, percent, plural, rateWithInterval, sweptAt } from './format.ts';
import { holdsBound, OPEN_MORE_WINDOWS } from './windows-words.ts';
import { inReportDir } from './rerun-words.ts';
import { uncontrolledWords } from './uncontrolled-words.ts';
import type { UncontrolledStatements } from '../harness/intercept/uncontrolled.ts';

/** How a verdict is written at the head of a line: `PASS`, `FAIL`, `BROKEN`, `NO EVIDENCE`, `INTERRUPTED`. */
export function verdictLabel(verdict: OverallVerdict): string {
  return verdict.replace('-', ' ').toUpperCase();
}

/** What the reader of a check needs beside the check itself. */
export type CheckContext = Pick<ReportInput, 'config' | 'points' | 'sweep' | 'scenarioFiles'>;

/**
 * The check's subject and its reason, without the verdict label: `naive-save on sqlite: expected
 * unsafe, reproduced: …`. A search's replay commands name the scenario file as typed on the
 * terminal, and by its copy in the report's directory in a report.
 */
export function checkText(check: Check, input: CheckContext, place: 'terminal' | 'report' = 'report'): string {
  return `${checkSubject(check, input)}: ${checkReason(check, input, place)}`;
}

/**
 * What a check is about: `naive-save on sqlite`, `naive-save at key-space=8`, `search
 * naive-save`, `baseline naive-save on sqlite`.
 */
export function checkSubject(check: Check, input: Pick<CheckContext, 'sweep'>): string {
  const on = check.database === undefined ? '' : ` on ${check.database}`;
  switch (check.kind) {
    case 'stress':
      return `${check.scenario}${sweptAt(input, { value: check.sweepValue })}${on}`;
    case 'search':
      return `search ${check.scenario}${on}`;
    case 'baseline':
      return `baseline ${check.scenario}${check.comparison.sweepValue === undefined ? '' : ` at ${check.comparison.sweepValue}`}${on}`;
  }
}

/** What a check showed, after its subject: `expected unsafe, reproduced: …`; a search's counterexample takes several lines. */
export function checkReason(check: Check, input: CheckContext, place: 'terminal' | 'report' = 'report'): string {
  switch (check.kind) {
    case 'stress':
      return stressReason(check, input);
    case 'search':
      return searchReason(check, place === 'report' ? (argument) => inReportDir(argument, input.scenarioFiles) : (argument) => argument);
    case 'baseline':
      return baselineReason(check);
  }
}

/** `PASS naive-save: …`: one check as the gate prints it on the terminal. */
export function checkLine(check: Check, input: CheckContext): string {
  return `${verdictLabel(check.verdict)} ${checkText(check, input, 'terminal')}`;
}

/** The title of report.md and the gate's last line: the overall verdict and what it rests on. */
export function overallWords(input: Pick<ReportInput, 'decision' | 'failure'>): string {
  const { verdict, checks } = input.decision;
  if (verdict === 'interrupted') return 'INTERRUPTED, no verdict (Ctrl-C)';
  if (verdict === 'broken' && input.failure !== undefined) return `BROKEN, no verdict: ${input.failure}`;
  if (checks.length === 0) return `${verdictLabel(verdict)}: no scenario ran`;
  const passed = checks.filter((check) => check.verdict === 'pass').length;
  return `${verdictLabel(verdict)} (${count(passed)} of ${plural(checks.length, 'check')} passed)`;
}

function stressReason(check: StressCheck, input: CheckContext): string {
  const f = check.finding;
  const { declared } = f.scenario;
  const expected = declared ? `declared ${f.scenario.expect} with --expect` : `expected ${f.scenario.expect}`;
  const found = check.settledBy ? searchFound(check) : '';
  switch (f.verdict) {
    case 'broken':
      return `no verdict on the race: ${f.brokenBy}`;
    case 'no-evidence':
      if (f.uncontrolled !== undefined) return `${expected}, but no evidence: ${uncontrolledWords(f.uncontrolled)}`;
      return `${expected}, but ${noWindow(f)}${found || `; ${input.config.keys === 'django' ? djangoAdvice(input) : OPEN_MORE_WINDOWS}`}`;
    case 'reproduced':
      if (f.scenario.expect === 'unsafe') return `${expected}, reproduced: ${rateWithInterval(f.windowRate)} per race window, ${rateWithInterval(f.rate)} per op`;
      if (declared) return `${expected}, but reproduced: ${rateWithInterval(f.rate)} in ${plural(f.ops, 'op')}`;
      return `${expected}, but ${plural(f.violations, 'violation')} in ${plural(f.ops, 'op')} (${plural(f.windows, 'race window')}): ${rateWithInterval(f.windowRate)} per window`;
    case 'holds':
      if (f.scenario.expect === 'safe') return `${expected}, ${holdsBound(f)}`;
      if (declared) return `${expected}, but held: ${rateWithInterval(f.rate)} in ${plural(f.ops, 'op')}${found}`;
      return `${expected}, but held in ${plural(f.ops, 'op')}, ${plural(f.windows, 'race window')}${found || `: the stress run has lost its power; ${OPEN_MORE_WINDOWS}`}`;
  }
}

function noWindow(f: Finding): string {
  return `no race window in ${plural(f.ops, 'op')}: no two ops ever held a key at once, so the run says nothing about the race`;
}

/** What the search that settled a stress check showed. */
function searchFound(check: StressCheck): string {
  const search = check.settledBy!;
  if (search.result.failed) return '; the search found it (below)';
  return `; the search below interleaved its statements in ${plural(search.result.contested, 'input')} and found no violation`;
}

/** With Django's real key space no two ops draw one key: say how unlikely a race was, and what shows it. */
function djangoAdvice(input: CheckContext): string {
  const expectation = input.points[0]?.expectation;
  const odds = expectation ? `chance alone predicts ≈${magnitude(expectation.racingDrawsBound)} same-key draws in this run` : 'no two ops draw one key by chance';
  return `with the real key space ${odds}; use --keys shrunk or --keys same-seed to see the race`;
}

/** The search of one scenario: what was searched, and the minimal interleaving when it broke. */
function searchReason(check: SearchCheck, argumentOf: (argument: string) => string): string {
  const { search } = check;
  const expect = check.finding?.scenario.expect;
  const { result } = search;
  const seconds = `${(search.elapsedMs / 1000).toFixed(1)} s`;
  if (!result.failed) {
    const capped = result.timedOut ? `, stopped by the ${search.budget.timeLimitMs / 1000} s cap` : '';
    if (check.verdict === 'no-evidence') {
      const why = result.uncontrolled !== undefined ? `held for ${plural(result.numRuns, 'input')}, but no evidence: ${uncontrolledWords(result.uncontrolled)}` : notInterleaved(result.numRuns);
      return `${why} (${seconds}${capped}; seed ${result.seed})`;
    }
    const what = `no counterexample in ${plural(result.numRuns, 'input')} (${plural(result.interleavings, 'distinct interleaving')}, ${seconds}${capped}; seed ${result.seed})`;
    return `${what}${expect === 'unsafe' ? ': the gate has lost its power' : ''}`;
  }
  const account = exploreLines(argumentOf(search.argument), result, () => check.finding?.scenario.isolation ?? search.isolation);
  const verdict = expect === 'safe' ? 'expected safe, but violated' : 'reproduced';
  return [`${verdict} in ${seconds}: ${account[0]}`, ...account.slice(1).map((line) => `       ${line}`)].join('\n');
}

function baselineReason(check: BaselineCheck): string {
  const c = check.comparison;
  if (c.now.violations === 0 && c.before.violations === 0) {
    // Nothing to compare, but nothing moved either: say so rather than "not comparable".
    return `both 0 violations, in ${plural(c.now.ops, 'op')} now and ${count(c.before.ops)} in the baseline: unchanged`;
  }
  const rates = `${percent(c.now.violations / c.now.ops)} now, ${percent(c.before.violations / c.before.ops)} in the baseline`;
  const stats = c.test ? ` (z = ${c.test.z.toFixed(2)}, p = ${c.test.pValue.toPrecision(2)})` : '';
  return `${rates}${stats}: ${c.change}`;
}

/**
 * A stress check in a table cell: what the run showed and whether that is what was expected,
 * `reproduced (as expected)`, `holds (EXPECTED reproduced)`, `no evidence (no race window)`,
 * `broken (no verdict)`; and where the search settled it, what the search showed. `compact`
 * leaves out `(as expected)`.
 */
export function cellVerdict(check: StressCheck, compact = false): string {
  const f = check.finding;
  // Where width is short (a table in an 80-column terminal) a check that passed needs no flag.
  // A safe scenario the search broke though its stress run held: the cell says both.
  const broke = f.scenario.expect === 'safe' && check.search?.result.failed ? '; the search broke it' : '';
  if (compact && check.verdict === 'pass' && !check.settledBy) return `${f.verdict}${broke}`;
  if (check.settledBy) return `${f.verdict === 'holds' ? 'holds' : 'no race window'}; the search ${check.settledBy.result.failed ? 'reproduced it' : 'held'}`;
  switch (f.verdict) {
    case 'broken':
      return 'broken (no verdict)';
    case 'no-evidence':
      return f.uncontrolled !== undefined ? 'no evidence (statements went around racelab)' : 'no evidence (no race window)';
    default:
      return `${f.verdict} (${check.verdict === 'pass' ? 'as expected' : `EXPECTED ${f.verdict === 'holds' ? 'reproduced' : 'holds'}`})${broke}`;
  }
}

/** A check that did not pass, in a few words, for report.md's title: `reserve-handle: the search found a counterexample`. */
export function shortCheckWords(check: Check): string {
  const on = check.database === undefined ? '' : ` on ${check.database}`;
  const subject = `${check.scenario}${on}`;
  if (check.verdict === 'broken') return `${subject} broke`;
  switch (check.kind) {
    case 'stress':
      if (check.verdict === 'no-evidence') return `${subject}: ${check.finding.uncontrolled !== undefined ? 'statements went around racelab' : 'no race window'}, no evidence`;
      return `${subject} ${check.finding.verdict === 'reproduced' ? 'reproduced' : 'held'}, expected ${check.finding.scenario.expect}`;
    case 'search':
      if (check.verdict === 'no-evidence') return `${subject}: ${!check.search.result.failed && check.search.result.uncontrolled !== undefined ? 'statements went around racelab' : 'the search interleaved nothing'}, no evidence`;
      return check.search.result.failed ? `${subject}: the search found a counterexample, expected safe` : `${subject}: the search found none, expected unsafe`;
    case 'baseline':
      return `${subject}: rate moved the wrong way against the baseline`;
  }
}

/**
 * A finding's rate with its interval, as a table cell: none for a broken run, whose ops failed for
 * reasons that are not races, so that no cell reads as a bound on the race.
 */
export function rateCell(finding: Finding, rate: 'rate' | 'windowRate' | 'integrityErrorRate'): string {
  if (finding.verdict === 'broken') return '- (no verdict)';
  // Per race window with none: 0 of 0, no rate at all.
  if (rate === 'windowRate' && finding.windows === 0) return '- (no race window)';
  return rateWithInterval(finding[rate]);
}

/**
 * An exploration's verdict in words, after `verdict:`: `reproduced (as expected: naive-save is
 * expected unsafe)`, `no evidence: …`, or for Ctrl-C what it had found by then.
 */
export function explorationWords(verdict: OverallVerdict, reproduced: boolean, expected: string, uncontrolled?: UncontrolledStatements): string {
  switch (verdict) {
    case 'interrupted':
      return reproduced
        ? `reproduced before Ctrl-C interrupted it, no verdict (${expected}): its interleaving replays it`
        : `none: interrupted before it could decide, with no race found in what ran (${expected})`;
    case 'no-evidence':
      if (uncontrolled !== undefined) return `no evidence: ${uncontrolledWords(uncontrolled)}; that it held says nothing (${expected})`;
      return `no evidence: no input interleaved two workers' statements (they went around racelab, or one worker did everything), so that it held says nothing (${expected})`;
    default:
      return `${reproduced ? 'reproduced' : 'holds'} (${verdict === 'pass' ? 'as expected' : 'NOT AS EXPECTED'}: ${expected})`;
  }
}
