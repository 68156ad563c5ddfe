/**
 * What `racelab gate` prints: its rules, one PASS or FAIL line per scenario with its reason, and
 * the baseline comparison. Plain lines: it is read in CI logs.
 */
import type { BaselineComparison } from '../harness/baseline.ts';
import type { Finding } from '../harness/finding.ts';
import { allFindings, type ReportInput } from '../harness/report-input.ts';
import { count, percent, rateWithInterval } from './format.ts';

export interface GateLine {
  pass: boolean;
  text: string;
}

export function gateRules(alpha: number | undefined): string[] {
  return [
    'rules: a safe scenario passes when it shows no violation, and the bound says how strong that is;',
    '       an unsafe scenario passes when it reproduces; if it no longer does, the gate has lost its power;',
    ...(alpha === undefined
      ? []
      : [`       against the baseline, a rate that moved the wrong way by a pooled two-proportion z-test (two-sided, α = ${alpha}) fails.`]),
  ];
}

/** One line per scenario (and swept value): PASS or FAIL, and why. */
export function gateLines(input: ReportInput): GateLine[] {
  return allFindings(input).map(({ finding, point }) => {
    const at = input.sweep ? ` at ${input.sweep.parameter}=${point.value}` : '';
    return { pass: finding.matchesExpectation, text: `${finding.scenario.name}${at}: ${reason(finding)}` };
  });
}

function reason(f: Finding): string {
  const declared = f.scenario.why.startsWith('declared with --expect');
  const expected = declared ? `declared ${f.scenario.expect} with --expect` : `expected ${f.scenario.expect}`;
  if (declared && !f.matchesExpectation) return `${expected}, but ${f.verdict === 'holds' ? 'held' : 'reproduced'}: ${rateWithInterval(f.rate)} in ${count(f.ops)} ops`;
  if (f.scenario.expect === 'safe') {
    return f.verdict === 'holds'
      ? `${expected}, no violation in ${count(f.ops)} ops (< ${percent(f.rate.high)} at 95%)`
      : `${expected}, but ${count(f.violations)} violations in ${count(f.ops)} ops: ${rateWithInterval(f.rate)}`;
  }
  return f.verdict === 'reproduced'
    ? `${expected}, reproduced: ${rateWithInterval(f.rate)}`
    : `${expected}, but held in ${count(f.ops)} ops: the gate has lost its power; raise --ops or shrink --key-space`;
}

export function baselineLines(comparisons: readonly BaselineComparison[]): GateLine[] {
  return comparisons.map((c) => {
    const at = c.sweepValue === undefined ? '' : ` at ${c.sweepValue}`;
    const rates = `${percent(c.now.violations / c.now.ops)} now, ${percent(c.before.violations / c.before.ops)} in the baseline`;
    const stats = c.test ? ` (z = ${c.test.z.toFixed(2)}, p = ${c.test.pValue.toPrecision(2)})` : '';
    return { pass: c.change !== 'worse', text: `baseline ${c.name}${at}: ${rates}${stats}: ${c.change}` };
  });
}
