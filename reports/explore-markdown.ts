/**
 * The report.md that `racelab explore` writes: the minimal counterexample as an interleaving with
 * what each step returned, and the commands that replay it; or what held.
 */
import type { ExploreHeader } from './explore-terminal.ts';

export interface ExploreSummary {
  header: ExploreHeader & { nodeVersion: string; reason: string };
  /** The verdict line, as printed. */
  verdict: string;
  /** What was found or what held, as printed: the interleaving and the replay commands. */
  body: readonly string[];
}

export function renderExploreMarkdown(summary: ExploreSummary): string {
  const { header } = summary;
  return [
    `# racelab explore ${header.scenario}: ${summary.verdict}`,
    '',
    `Property checked: *${header.property}*.`,
    '',
    '```text',
    ...summary.body,
    '```',
    '',
    '## What was run',
    '',
    `- ${header.tool.name} ${header.tool.version} on Node ${header.nodeVersion}`,
    `- PostgreSQL ${header.database.version} (${header.database.kind}; ${header.reason})`,
    '- every statement of the scenario is a step; the steps of real worker threads were released one at a time in the order shown; a step shown `<waiting ...>` waited for a lock inside PostgreSQL',
    '',
  ].join('\n');
}
