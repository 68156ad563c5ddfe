/**
 * What the gate adds when GitHub Actions runs it: the job summary appended to the file
 * `GITHUB_STEP_SUMMARY` names, and, with `GITHUB_ACTIONS=true`, `::error` annotations on stdout.
 * Both render the decision the exit code comes from; neither can change that code: a summary that
 * cannot be written costs one line on stderr, nothing more.
 */
import { appendFile } from 'node:fs/promises';
import type { ReportInput } from '../harness/report-input.ts';
import { githubAnnotations } from '../reports/github-annotations.ts';
import { renderGithubSummary } from '../reports/github-summary.ts';
import type { CommandIo } from './commands/command.ts';

export async function publishToGithubActions(input: ReportInput, reportDir: string | undefined, io: Pick<CommandIo, 'stdout' | 'error'>, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  // Only under GitHub Actions: workflow commands are noise on a terminal or in another CI's log.
  if (env['GITHUB_ACTIONS'] === 'true') for (const line of githubAnnotations(input)) io.stdout(`${line}\n`);
  const summary = env['GITHUB_STEP_SUMMARY'];
  if (!summary) return;
  try {
    // Appended, never truncated: the job's other steps write to the same file.
    await appendFile(summary, renderGithubSummary(input, reportDir));
  } catch (error) {
    io.error(`racelab gate: the job summary was not written to GITHUB_STEP_SUMMARY (${summary}): ${(error as Error).message.split('\n')[0]}`);
  }
}
