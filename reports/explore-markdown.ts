/**
 * The report.md that `racelab explore` writes: the minimal counterexample as an interleaving with
 * what each step returned, and the commands that replay it; or what held.
 */
import type { UncontrolledStatements } from '../harness/intercept/uncontrolled.ts';
import type { ExploreRun } from '../harness/explore/explore-run.ts';
import type { ScenarioFileCopy } from '../harness/report-input.ts';
import type { ExploreHeader } from './explore-terminal.ts';
import type { OverallVerdict } from '../harness/verdict.ts';
import type { EvidencePictures } from './markdown.ts';
import { rawHtmlLines } from './markdown-to-html.ts';
import { commandLineWords, getRacelab, racelabSource, rerunCommand, rerunPlace, scenarioFileLines } from './rerun-words.ts';

/** What an exploration found, beside its printed account. */
export interface ExploreEvidence {
  /** The property search: its seed, the inputs tried, and the distinct interleavings that held. */
  searched?: { seed: number; inputs: number; interleavings: number | null };
  /** The interleaving that broke the property: shrunk by the search, or the one replayed. */
  counterexample?: { run: ExploreRun; seed?: number; path?: string; shrinks?: number };
  /** `--exhaustive`: every interleaving of one input. */
  enumerated?: { interleavings: number; violating: number };
  /** Statements the ops sent that racelab could not schedule: with any, what held is no evidence. */
  uncontrolled?: UncontrolledStatements;
}

/** An exploration's verdict, decided by harness/verdict.ts: every report of it renders this. */
export interface ExploreVerdict {
  verdict: OverallVerdict;
  reproduced: boolean;
  /** Null where nothing was decided: no evidence, or interrupted. */
  matchesExpectation: boolean | null;
  /** `reproduced (as expected: …)`, as printed after `verdict:`. */
  text: string;
}

export interface ExploreSummary extends ExploreEvidence {
  header: ExploreHeader & { nodeVersion: string; reason: string };
  /**
   * How a rerun names the scenario (a built-in's name, or its file's copy in the report's
   * directory), with `--db` when the database is not the default: the report's replay commands use it.
   */
  argument: string;
  /** The command that reruns this exploration, naming the scenario as `argument` does. */
  replayCommand: string;
  /** racelab's arguments as given, passwords hidden. */
  commandLine: readonly string[];
  /** The user's scenario file copied into the report's directory, if the scenario was one. */
  scenarioFiles: readonly ScenarioFileCopy[];
  startedAt: Date;
  mode: 'search' | 'replay' | 'exhaustive';
  verdict: ExploreVerdict;
  /** True when Ctrl-C stopped it: the account covers only what ran. */
  interrupted: boolean;
  /** What was found or what held, as printed: the interleaving and the replay commands. */
  body: readonly string[];
}

export function renderExploreMarkdown(summary: ExploreSummary, pictures?: Pick<EvidencePictures, 'interleaving'>): string {
  const { header } = summary;
  const place = rerunPlace(summary.scenarioFiles);
  return [
    `# racelab explore ${header.scenario}: ${summary.verdict.text}`,
    '',
    ...(summary.interrupted ? ['> **Interrupted** (Ctrl-C): the account covers only the interleavings that ran.', ''] : []),
    `Property checked: *${header.property}*.`,
    '',
    '```text',
    ...summary.body,
    '```',
    '',
    ...(summary.counterexample ? rawHtmlLines(pictures?.interleaving(`the counterexample of ${header.scenario}`, summary.counterexample.run) ?? '') : []),
    '## What was run',
    '',
    `- ${header.tool.name} ${header.tool.version} on Node ${header.nodeVersion}, ${summary.startedAt.toISOString()}`,
    `- ${racelabSource(header.tool)}`,
    `- command as given: \`${commandLineWords(header.tool.name, summary.commandLine)}\``,
    ...scenarioFileLines(summary.scenarioFiles).map((line) => `- ${line}`),
    `- ${header.database.product} ${header.database.version} (${header.database.kind}; ${header.reason})`,
    `- every statement of the scenario is a step; the steps of real worker threads were released one at a time in the order shown; a step shown \`<waiting ...>\` waited for a lock inside ${header.database.product}`,
    '',
    `Get racelab: ${getRacelab(header.tool, summary.scenarioFiles)}.`,
    '',
    `Rerun it${place ? ` ${place}` : ''}:`,
    '',
    '```sh',
    rerunCommand({ replayCommand: summary.replayCommand, tool: header.tool, scenarioFiles: summary.scenarioFiles }),
    '```',
    '',
  ].join('\n');
}
