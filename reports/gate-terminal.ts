/**
 * What `racelab gate` prints: its rules, one line per check with its verdict and reason, and the
 * overall verdict. Plain lines: it is read in CI logs. The verdicts are the decision's
 * (harness/verdict.ts); their words are check-words.ts's.
 */
import type { ReportInput } from '../harness/report-input.ts';
import { checkLine, overallWords } from './check-words.ts';
import { plural } from './format.ts';

export function gateRules(alpha: number | undefined, search: { runs: number; timeLimitMs: number } | undefined): string[] {
  return [
    'rules: a safe scenario passes when the stress run shows no violation (the bound per race window says how strong',
    '       that is) and the search finds no interleaving that breaks it;',
    '       an unsafe scenario passes when either reproduces it; if neither does, the gate has lost its power;',
    '       NO EVIDENCE, a run with no race window or a search that interleaved nothing, is no pass; BROKEN, errors',
    '       that are not races, is no verdict;',
    ...(search === undefined
      ? ['       no search (--explore-runs 0): the stress run alone decides']
      : [`       search: up to ${plural(search.runs, 'input')} or ${search.timeLimitMs / 1000} s per scenario (--explore-runs, --explore-time)`]),
    ...(alpha === undefined
      ? []
      : [`       against the baseline, a rate that moved the wrong way by a pooled two-proportion z-test (two-sided, α = ${alpha}) fails.`]),
  ];
}

/** One line per check, then the overall verdict: `gate: FAIL (1 of 2 checks passed); reports in …`. */
export function gateLines(input: ReportInput, reportDir: string | undefined): string[] {
  return [
    ...input.decision.checks.map((check) => checkLine(check, input)),
    `gate: ${overallWords(input)}${reportDir === undefined ? '' : `; reports in ${reportDir}`}`,
  ];
}
