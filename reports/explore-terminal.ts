/**
 * What `racelab explore` prints: the minimal counterexample as an interleaving with what each step
 * returned, and the commands that replay it; or how much held.
 */
import { uncontrolledWords } from './uncontrolled-words.ts';
import type { ExploreRun } from '../harness/explore/explore-run.ts';
import type { SearchProgress } from '../harness/explore/harness-failure.ts';
import type { ToolInfo } from '../harness/report-input.ts';
import { interleavingLine, interleavingLines, outcomesLine } from './interleaving.ts';
import type { SearchResult } from '../harness/explore/search.ts';
import { formatSchedule } from '../harness/explore/schedule.ts';
import { plural } from './format.ts';
import { VIOLATIONS } from '../harness/contract/outcomes.ts';

export interface ExploreHeader {
  tool: ToolInfo;
  scenario: string;
  database: { kind: string; product: string; version: string };
  property: string;
}

export function headerLines(header: ExploreHeader): string[] {
  return [
    `${header.tool.name} ${header.tool.version} explore ${header.scenario} · ${header.database.product} ${header.database.version} (${header.database.kind})`,
    `property: ${header.property} (no op ends ${VIOLATIONS.slice(0, -1).join(', ')} or ${VIOLATIONS.at(-1)})`,
    '',
  ];
}

/**
 * `2 workers × 1 op, key space 1, read-committed`. `isolation` is the level the scenario really
 * ran at: its own fixed level, or autocommit, when it does not take the configured one.
 */
export function shape(run: ExploreRun, isolation: string = run.input.isolation): string {
  const { workers, opsPerWorker, keySpace } = run.input;
  return `${plural(workers, 'worker')} × ${plural(opsPerWorker, 'op')}, key space ${keySpace}, ${isolation}`;
}

/** The command that replays a search's failing input: fast-check's seed and path. */
export function searchReplayCommand(scenario: string, seed: number, path: string): string {
  return `racelab explore ${scenario} --seed ${seed} --path "${path}"`;
}

export function replayCommand(scenario: string, run: ExploreRun): string {
  return `racelab explore ${scenario} --schedule "${formatSchedule({ ...run.input, order: run.order })}"`;
}

export function runLines(run: ExploreRun): string[] {
  return [...interleavingLines(run).map((line) => `  ${line}`), `outcomes: ${outcomesLine(run)}`];
}

export function searchLines(scenario: string, result: SearchResult, isolationOf: (run: ExploreRun) => string): string[] {
  if (!result.failed) {
    const capped = result.timedOut ? ', stopped by the time cap' : '';
    if (result.uncontrolled !== undefined) {
      return [`held for ${plural(result.numRuns, 'input')}${capped}; seed ${result.seed}; but no evidence: ${uncontrolledWords(result.uncontrolled)}`];
    }
    if (result.contested === 0) return [`${notInterleaved(result.numRuns)}${capped}; seed ${result.seed}`];
    return [
      `held for ${plural(result.numRuns, 'input')} (${plural(result.interleavings, 'distinct interleaving')}${capped}); seed ${result.seed}`,
    ];
  }
  return [
    `counterexample after ${plural(result.numRuns, 'input')}, shrunk ${plural(result.numShrinks, 'time')} to ${shape(result.run, isolationOf(result.run))}:`,
    ...runLines(result.run),
    '',
    `replay:   ${searchReplayCommand(scenario, result.seed, result.path)}`,
    `schedule: ${replayCommand(scenario, result.run)}`,
  ];
}

/** What a search stopped by Ctrl-C had found: the interleaving that broke the property, not yet shrunk, or how much held. */
export function interruptedSearchLines(scenario: string, progress: SearchProgress, isolationOf: (run: ExploreRun) => string): string[] {
  const { violation } = progress;
  if (violation === undefined) {
    return [
      `INTERRUPTED: Ctrl-C stopped the search after ${plural(progress.inputs, 'input')}, none of which broke the property (${plural(progress.interleavings, 'distinct interleaving')}); seed ${progress.seed}`,
    ];
  }
  return [
    `INTERRUPTED: Ctrl-C stopped the search while it shrank a counterexample; the one found after ${plural(progress.inputs, 'input')}, not shrunk, is ${shape(violation, isolationOf(violation))}:`,
    ...runLines(violation),
    '',
    `schedule: ${replayCommand(scenario, violation)}`,
  ];
}

/** What --exhaustive stopped by Ctrl-C had run. */
export function interruptedEnumerationLine(interleavings: number, violating: number): string {
  return `INTERRUPTED: Ctrl-C stopped the enumeration after ${plural(interleavings, 'interleaving')}: ${plural(violating, 'violates', 'violate')} the property`;
}

/** One line per interleaving, numbered, for --exhaustive. */
export function exhaustiveLine(run: ExploreRun, index: number, violations: number): string {
  return `${String(index + 1).padStart(4)}. ${interleavingLine(run)}  ⇒  ${outcomesLine(run)}${violations > 0 ? '  ✗' : ''}`;
}

/** A search whose inputs never had two workers' statements to order: nothing was searched, and nothing held. */
export function notInterleaved(inputs: number): string {
  return `${plural(inputs, 'input')} tried, none of which interleaved two workers' statements: they never met at racelab's turnstile (they went around racelab, or one worker did everything), so nothing was searched`;
}
