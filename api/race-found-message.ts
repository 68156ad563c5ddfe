/**
 * The message `expectRaceFree` fails with: the finding, its first example, what the audit found
 * and the command that reruns it. A test runner prints it as it is.
 */
import type { JsonReport } from '../reports/json.ts';
import { errorLines } from '../reports/evidence-lines.ts';
import { amplifiedWords, count, firstOf, plural, rateWithInterval } from '../reports/format.ts';
import { racelabSource, rerunCommand } from '../reports/rerun-words.ts';

/** Audit problems the message lists; the rest are counted. */
const AUDIT_LINES = 5;

/** `reportDir`: where the run's reports went, when race() was given `out`. */
export function raceFoundMessage(report: JsonReport, reportDir?: string): string {
  const s = report.scenarios[0]!;
  const lines = [`${s.name} is not race-free: ${count(s.violations)} of ${plural(s.ops, 'op')} violated "${s.property}", ${rateWithInterval(s.rate)} at 95%.`];
  const amplified = amplifiedWords(report.config);
  if (amplified) lines.push(amplified);
  const example = s.firstLoudViolation ?? s.firstSilentViolation;
  if (example) lines.push(`first example (w${example.worker} op${example.op}):`, ...errorLines(example));
  if (example?.audit) lines.push(`  op wrote ${example.audit.wrote}; the row holds ${example.audit.found ?? 'nothing'}`);
  // Each problem its audit found is one of the violations counted above.
  const audits = firstOf(s.invariantProblems.map((problem) => `audit: ${problem.message}`), s.outcomes.invariant_violated, AUDIT_LINES);
  lines.push(...audits.map((line) => `  ${line}`));
  // A rerun that names the copy of the scenario file runs where the copy is.
  const place = reportDir !== undefined && report.scenarioFiles.length > 0 ? ` (in ${reportDir}, which holds a copy of the scenario file it names)` : '';
  lines.push(`rerun${place}: ${rerunCommand(report)}`, `source: ${racelabSource(report.tool)}`);
  return lines.join('\n');
}
