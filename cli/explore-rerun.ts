import type { ExploreEvidence } from '../reports/explore-markdown.ts';
import { replayCommand, searchReplayCommand } from '../reports/explore-terminal.ts';
import { formatSchedule } from '../harness/explore/schedule.ts';
import { EXPLORE_OPTIONS, type ExploreMode } from './explore-options.ts';

/**
 * The one command that reruns an exploration, the scenario named as `argument` names it (with
 * `--db`): the counterexample's exact input when there is one, else the same search with its seed
 * pinned, the same schedule, or the same enumeration.
 */
export function exploreReplayCommand(argument: string, mode: ExploreMode, evidence: ExploreEvidence): string {
  const found = evidence.counterexample;
  if (found?.seed !== undefined && found.path !== undefined) return searchReplayCommand(argument, found.seed, found.path);
  if (found) return replayCommand(argument, found.run);
  const command = `racelab explore ${argument}`;
  switch (mode.kind) {
    case 'replay':
      return `${command} --schedule "${formatSchedule(mode.schedule)}"`;
    case 'exhaustive': {
      const { workers, opsPerWorker, keySpace, isolation } = mode.input;
      return `${command} --exhaustive --workers ${workers} --ops ${opsPerWorker} --key-space ${keySpace} --isolation ${isolation}`;
    }
    case 'search':
      return [
        command,
        `--seed ${evidence.searched?.seed ?? mode.seed}`,
        ...(mode.path === undefined ? [] : [`--path "${mode.path}"`]),
        ...(String(mode.runs) === EXPLORE_OPTIONS.runs.default ? [] : [`--runs ${mode.runs}`]),
        ...(mode.isolations.length === 1 ? [`--isolation ${mode.isolations[0]}`] : []),
      ].join(' ');
  }
}
