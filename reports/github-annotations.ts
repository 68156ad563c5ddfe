/**
 * The gate's GitHub Actions annotations: one `::error` workflow command for a run that broke, was
 * interrupted or checked nothing outside every check (as junit.xml has a testcase for it), then one
 * per check that did not pass, worst first, so that the verdict shows on the run's page
 * and the pull request, not only somewhere in the log. They render the decision and decide nothing.
 *
 * Every one is an error, never a warning: FAIL, NO EVIDENCE and BROKEN each make the gate's exit
 * code non-zero (cli/exit-codes.ts), and a warning would read as "the job passed with a remark".
 * The verdict's own label says which it is, in the title.
 */
import type { ReportInput } from '../harness/report-input.ts';
import { unpassedChecks, verdictOutsideChecks } from '../harness/verdict.ts';
import { checkLine, checkSubject, overallWords, verdictLabel } from './check-words.ts';

/**
 * GitHub shows this many error annotations of a step and drops the rest without a word: the last
 * one shown then says how many more there are.
 */
export const ANNOTATIONS_PER_STEP = 10;

/** The `::error` lines, one per annotation, each a single line however many lines its message has. */
export function githubAnnotations(input: ReportInput): string[] {
  const outside = verdictOutsideChecks(input.decision);
  const lines = [
    ...(outside !== undefined ? [workflowCommand('error', `racelab gate ${verdictLabel(outside)}`, `gate: ${overallWords(input)}`)] : []),
    ...unpassedChecks(input.decision).map((check) =>
      workflowCommand('error', `racelab gate ${verdictLabel(check.verdict)}: ${checkSubject(check, input)}`, checkLine(check, input)),
    ),
  ];
  if (lines.length <= ANNOTATIONS_PER_STEP) return lines;
  const more = lines.length - (ANNOTATIONS_PER_STEP - 1);
  return [
    ...lines.slice(0, ANNOTATIONS_PER_STEP - 1),
    workflowCommand('error', `racelab gate: ${more} more checks did not pass`, `${more} more checks did not pass, which GitHub would not show as annotations: the gate's log, the job summary and report.md list every one`),
  ];
}

/** `::error title=…::message`, escaped as GitHub's runner reads it back. */
export function workflowCommand(command: 'error' | 'warning', title: string, message: string): string {
  return `::${command} title=${escapeProperty(title)}::${escapeData(message)}`;
}

/** A command's message: `%`, CR and LF encoded, as @actions/core's escapeData does. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A command's property value: the message's encoding, and `:` and `,`, which end a property. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
