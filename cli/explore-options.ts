import { ALL_ISOLATIONS, type Isolation } from '../harness/contract/store.ts';
import { MAX_EXPLORE_WORKERS, parseSchedule, ScheduleError, type ScheduleSpec } from '../harness/explore/schedule.ts';
import { BUILT_IN_SCENARIOS } from '../scenarios/index.ts';
import { dbWordsHelp, isolationsHelp, isolationsOfChoice, type DatabaseChoice } from '../stores/registry.ts';
import { UsageError } from '../run/errors.ts';
import { choiceOption, integerOption, listOption } from '../run/option-rules.ts';
import type { OptionSpec } from './option-spec.ts';
import { parseFlags } from './parse-flags.ts';
import { ALLOW_REMOTE } from './run-flags.ts';
import { checkIsolationOffered, parseDb } from '../run/request.ts';
import { isScenarioFile } from '../run/scenario-modules.ts';

export const EXPLORE_OPTIONS = {
  runs: { default: '100', value: 'N', help: 'inputs to try before the property is taken to hold (1 to 100,000)' },
  seed: { default: 'random', value: 'N', help: "fast-check's seed, printed with every result" },
  path: { default: 'none', value: 'PATH', help: 'with --seed: replay exactly the failing input fast-check reported' },
  schedule: { default: 'none', value: 'SCHEDULE', help: 'replay one interleaving, as printed after a counterexample' },
  isolation: { default: 'all levels', value: 'LEVEL', help: `explore only this level: ${isolationsHelp()}` },
  workers: { default: '2', value: 'N', help: `with --exhaustive: workers (2 to ${MAX_EXPLORE_WORKERS})` },
  ops: { default: '1', value: 'N', help: 'with --exhaustive: ops per worker (1 to 20)' },
  'key-space': { default: '1', value: 'K', help: 'with --exhaustive: distinct keys (1 to 64)' },
  db: { default: 'auto', value: 'DB', help: `one database, as for reproduce: ${dbWordsHelp()}` },
  out: { default: './racelab-report', value: 'DIR', help: 'reports go into <out>/<run-id>/, and <out>/latest points at the newest' },
} as const;

type OptionName = keyof typeof EXPLORE_OPTIONS;

/** Everything explore takes: its parser reads this table and its help lists it. */
export function exploreOptions(): OptionSpec<OptionName | 'exhaustive' | 'allow-remote'>[] {
  return [
    ...(Object.keys(EXPLORE_OPTIONS) as OptionName[]).map((name) => ({ name, ...EXPLORE_OPTIONS[name] })),
    { name: 'exhaustive', help: 'run every interleaving of one small input, one line each' },
    ALLOW_REMOTE,
  ];
}

/** Explore's one plain argument. */
export const EXPLORE_SCENARIO = { name: 'SCENARIO', help: 'a built-in name (racelab list) or a scenario file such as ./signup.race.ts' };

export type ExploreMode =
  | { kind: 'search'; runs: number; seed?: number; path?: string; isolations: Isolation[] }
  | { kind: 'replay'; schedule: ScheduleSpec }
  | { kind: 'exhaustive'; input: Omit<ScheduleSpec, 'order'> };

export interface ExploreOptions {
  allowRemote: boolean;
  scenario: string;
  mode: ExploreMode;
  db: DatabaseChoice;
  out: string;
}

const EXHAUSTIVE_ONLY = ['workers', 'ops', 'key-space'] as const satisfies readonly OptionName[];
const SEARCH_ONLY = ['runs', 'seed', 'path'] as const satisfies readonly OptionName[];

export function parseExploreOptions(args: readonly string[]): ExploreOptions {
  const raw = parseFlags('explore', args, exploreOptions(), { positionals: 1 });
  const [name] = raw.positionals;
  if (name === undefined) throw new UsageError(`needs a scenario: racelab explore SCENARIO, a built-in name (one of ${Object.keys(BUILT_IN_SCENARIOS).join(', ')}) or a scenario file such as ./signup.race.ts`);
  const [scenario] = isScenarioFile(name) ? [name] : listOption('--scenario', name, Object.keys(BUILT_IN_SCENARIOS));
  const given = (names: readonly OptionName[]) => names.find((option) => raw[option] !== undefined);
  const db = parseDb(raw.db ?? 'auto');
  const out = raw.out ?? EXPLORE_OPTIONS.out.default;
  if (out.trim() === '') throw new UsageError('--out must not be empty');
  const isolation = raw.isolation === undefined ? undefined : choiceOption<Isolation>('--isolation', raw.isolation, ALL_ISOLATIONS);
  if (isolation !== undefined) checkIsolationOffered(isolation, [db]);
  const common = { allowRemote: raw.flags.has('allow-remote'), scenario: scenario!, db, out };

  if (raw.schedule !== undefined) {
    const conflicting = raw.flags.has('exhaustive') ? 'exhaustive' : (given([...SEARCH_ONLY, ...EXHAUSTIVE_ONLY]) ?? (isolation && 'isolation'));
    if (conflicting) throw new UsageError(`--schedule replays one interleaving and cannot go with --${conflicting}`);
    try {
      return { ...common, mode: { kind: 'replay', schedule: parseSchedule(raw.schedule) } };
    } catch (error) {
      if (error instanceof ScheduleError) throw new UsageError(error.message);
      throw error;
    }
  }
  if (raw.flags.has('exhaustive')) {
    const conflicting = given(SEARCH_ONLY);
    if (conflicting) throw new UsageError(`--${conflicting} belongs to the property search and cannot go with --exhaustive`);
    return {
      ...common,
      mode: {
        kind: 'exhaustive',
        input: {
          workers: integerOption('--workers', raw.workers ?? '2', 2, MAX_EXPLORE_WORKERS),
          opsPerWorker: integerOption('--ops', raw.ops ?? '1', 1, 20),
          keySpace: integerOption('--key-space', raw['key-space'] ?? '1', 1, 64),
          isolation: isolation ?? isolationsOfChoice(db)[0]!,
          keySeed: 0,
        },
      },
    };
  }
  const misplaced = given(EXHAUSTIVE_ONLY);
  if (misplaced) throw new UsageError(`--${misplaced} applies to --exhaustive; the property search generates it`);
  if (raw.path !== undefined && raw.seed === undefined) throw new UsageError('--path replays a run of one seed: give --seed too');
  return {
    ...common,
    mode: {
      kind: 'search',
      runs: integerOption('--runs', raw.runs ?? '100', 1, 100_000),
      ...(raw.seed !== undefined && { seed: integerOption('--seed', raw.seed, 0, 2 ** 32 - 1) }),
      ...(raw.path !== undefined && { path: checkPath(raw.path) }),
      isolations: isolation ? [isolation] : [...isolationsOfChoice(db)],
    },
  };
}

function checkPath(raw: string): string {
  if (!/^\d+(:\d+)*$/.test(raw)) throw new UsageError(`--path must be numbers joined by colons, as fast-check prints it, got ${JSON.stringify(raw)}`);
  return raw;
}
