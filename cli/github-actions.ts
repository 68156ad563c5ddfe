/**
 * What the gate adds when GitHub Actions runs it: the job summary appended to the file
 * `GITHUB_STEP_SUMMARY` names, and, with `GITHUB_ACTIONS=true`, `::error` annotations on stdout.
 * Both render what the exit code comes from: the decision, or, when the gate threw before it had
 * one, the failure main() ends with (command-failure.ts). Neither can change that code: a summary
 * that cannot be written costs one line on stderr, nothing more.
 */
import { appendFile } from 'node:fs/promises';
import type { ReportInput } from '../harness/report-input.ts';
import { githubAnnotations, workflowCommand } from '../reports/github-annotations.ts';
import { renderGithubSummary } from '../reports/github-summary.ts';
import type { CommandFailure } from './command-failure.ts';
import type { CommandIo } from './commands/command.ts';

type Io = Pick<CommandIo, 'stdout' | 'error'>;

export async function publishToGithubActions(input: ReportInput, reportDir: string | undefined, io: Io, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await publish(() => githubAnnotations(input), () => renderGithubSummary(input, reportDir), io, env);
}

/** What the summary's heading and the annotation's title say of a gate that ended without a decision. */
const FAILURE_WORDS: Record<CommandFailure['kind'], string> = {
  usage: 'bad usage',
  infrastructure: 'could not run',
  interrupted: 'interrupted',
  internal: 'internal error',
};

/** A gate that threw before it had a decision: its one line, as main() prints it, and its exit code. */
export async function publishFailureToGithubActions(failure: CommandFailure, io: Io, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const title = `racelab gate: ${FAILURE_WORDS[failure.kind]} (exit ${failure.code})`;
  const summary = () => ['', `## ${title}`, '', 'No check was decided.', '', '```text', failure.line, '```', ''].join('\n');
  await publish(() => [workflowCommand('error', title, failure.line)], summary, io, env);
}

async function publish(annotations: () => string[], summaryText: () => string, io: Io, env: NodeJS.ProcessEnv): Promise<void> {
  // Only under GitHub Actions: workflow commands are noise on a terminal or in another CI's log.
  if (env['GITHUB_ACTIONS'] === 'true') for (const line of annotations()) io.stdout(`${line}\n`);
  const summary = env['GITHUB_STEP_SUMMARY'];
  if (!summary) return;
  try {
    // Appended, never truncated: the job's other steps write to the same file.
    await appendFile(summary, summaryText());
  } catch (error) {
    io.error(`racelab gate: the job summary was not written to GITHUB_STEP_SUMMARY (${summary}): ${(error as Error).message.split('\n')[0]}`);
  }
}
