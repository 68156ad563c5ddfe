/**
 * The report.md that `racelab explore` writes: the minimal counterexample as an interleaving with
 * what each step returned, and the commands that replay it; or what held.
 */
import type { ExploreRun } from '../harness/explore/explorer.ts';
import type { ExploreHeader } from './explore-terminal.ts';

/** What an exploration found, beside its printed account. */
export interface ExploreEvidence {
  /** The property search: its seed, the inputs tried, and the distinct interleavings that held. */
  searched?: { seed: number; inputs: number; interleavings: number | null };
  /** The interleaving that broke the property: shrunk by the search, or the one replayed. */
  counterexample?: { run: ExploreRun; seed?: number; path?: string; shrinks?: number };
  /** `--exhaustive`: every interleaving of one input. */
  enumerated?: { interleavings: number; violating: number };
}

export interface ExploreSummary extends ExploreEvidence {
  header: ExploreHeader & { nodeVersion: string; reason: string };
  /** How the command line named the scenario (a built-in's name, or a file's path): replay commands use it. */
  argument: string;
  startedAt: Date;
  mode: 'search' | 'replay' | 'exhaustive';
  verdict: { text: string; reproduced: boolean; matchesExpectation: boolean };
  /** What was found or what held, as printed: the interleaving and the replay commands. */
  body: readonly string[];
}

export function renderExploreMarkdown(summary: ExploreSummary): string {
  const { header } = summary;
  return [
    `# racelab explore ${header.scenario}: ${summary.verdict.text}`,
    '',
    `Property checked: *${header.property}*.`,
    '',
    '```text',
    ...summary.body,
    '```',
    '',
    '## What was run',
    '',
    `- ${header.tool.name} ${header.tool.version} on Node ${header.nodeVersion}, ${summary.startedAt.toISOString()}`,
    `- ${header.database.product} ${header.database.version} (${header.database.kind}; ${header.reason})`,
    `- every statement of the scenario is a step; the steps of real worker threads were released one at a time in the order shown; a step shown \`<waiting ...>\` waited for a lock inside ${header.database.product}`,
    '',
    `Get racelab: \`npx racelab@${header.tool.version}\` runs this version without installing it (Node ≥ 20.10); the replay commands above then run as \`npx racelab@${header.tool.version} explore …\`.`,
    '',
  ].join('\n');
}
