/**
 * What `racelab explore` prints: the minimal counterexample as an interleaving with what each step
 * returned, and the commands that replay it; or how much held.
 */
import type { ExploreRun } from '../harness/explore/explorer.ts';
import { interleavingLine, interleavingLines, outcomesLine } from '../harness/explore/interleaving.ts';
import type { SearchResult } from '../harness/explore/search.ts';
import { formatSchedule } from '../harness/explore/schedule.ts';
import { plural } from './format.ts';
import { VIOLATIONS } from '../harness/types.ts';

export interface ExploreHeader {
  tool: { name: string; version: string };
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

/** One line per interleaving, numbered, for --exhaustive. */
export function exhaustiveLine(run: ExploreRun, index: number, violations: number): string {
  return `${String(index + 1).padStart(4)}. ${interleavingLine(run)}  ⇒  ${outcomesLine(run)}${violations > 0 ? '  ✗' : ''}`;
}
