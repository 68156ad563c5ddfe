/**
 * The one typed request of a run: what to run, where, with which options. The CLI's flags and
 * race()'s options are two front doors onto it: each hands over what it was given, as typed, and
 * how it names each option; the rules and their words are here, once.
 */
import { randomInt } from 'node:crypto';
import { DJANGO_KEY_SPACE } from '../harness/key-modes.ts';
import { MAX_KEY_SPACE } from '../harness/session-keys.ts';
import { threadsFor } from '../harness/thread-count.ts';
import type { SweepParameter } from '../harness/report-input.ts';
import type { Expectation } from '../harness/contract/outcomes.ts';
import { KEY_MODES, type KeyMode, type RunConfig } from '../harness/contract/run-config.ts';
import { ALL_ISOLATIONS, type Isolation } from '../harness/contract/store.ts';
import { BUILT_IN_SCENARIOS, DEFAULT_SCENARIOS } from '../scenarios/index.ts';
import { ChoiceError, choiceLabel, dbWordsHelp, isolationsHelp, isolationsOfChoice, parseChoice, type DatabaseChoice } from '../stores/registry.ts';
import { redactUrl } from '../stores/shared/redact-url.ts';
import { UsageError } from './errors.ts';
import { choiceOption, durationOption, fractionOption, integerOption, listOption } from './option-rules.ts';
import { isScenarioFile } from './scenario-modules.ts';

export interface RunRequest {
  /** The databases to run on, in order: one, or a list for the database × scenario table. */
  db: DatabaseChoice[];
  /** True when the isolation was given; else each database runs at its own first level. */
  isolationGiven: boolean;
  /** Built-in scenario names, or scenario files. */
  scenarios: string[];
  config: RunConfig;
  /** Consent to run against a server off this machine. */
  allowRemote: boolean;
  /** Expectations declared by the caller, in place of the scenarios' own. */
  expectations: Record<string, Expectation>;
  /** Runs the scenarios once per value of one parameter. */
  sweep?: { parameter: SweepParameter; values: number[] };
  /** New sessions per second in production, for the extrapolation to the real key space. */
  rate: number;
  out: string;
  /** `--history`: write every op as JSON Lines in Jepsen's history shape beside the reports. */
  history: boolean;
  /** The threads as given; a sweep over the clients caps it at each value. */
  threadsRequested?: number;
  /**
   * The database a rerun names, when the one that ran will be gone (race() on racelab/vitest's
   * shared server, stopped when the test run ends); else the rerun names `db`.
   */
  replayDb?: DatabaseChoice;
  /** How the front door that made this request spells an option, for the errors the run itself finds. */
  label: (name: RunOptionName | 'allow-remote' | 'history' | 'amplify') => string;
}

/**
 * The options of a run: each default as a value (or `undefined` where it is decided at run time,
 * with `shown` saying how), the value it takes as help names it, and the words help prints for it.
 * Named as the command line names them.
 */
export const RUN_OPTIONS = {
  db: { default: 'auto', value: 'DB', help: () => `${dbWordsHelp()}, or a comma list of them` },
  scenario: { default: DEFAULT_SCENARIOS.join(','), value: 'SCENARIOS', help: () => 'comma-separated built-in names (racelab list) and scenario files such as ./signup.race.ts, or all' },
  clients: { default: 4, value: 'N', help: () => 'concurrent clients, each with its own connection, op order and audit (1 to 64); --workers is the same option' },
  workers: { default: 4, value: 'N', help: () => 'the same as --clients' },
  threads: { default: undefined, shown: 'half the cores', value: 'N', help: () => 'threads the clients are spread over, as pgbench -j (1 to --clients); a database on this machine needs the other cores' },
  ops: { default: 2000, value: 'N', help: () => 'ops per worker (1 to 1,000,000)' },
  duration: { default: undefined, shown: 'none', value: 'TIME', help: () => 'run for a time instead of a count, e.g. 30s or 2m (100ms to 24h), as pgbench -T' },
  keys: { default: 'shrunk', value: 'MODE', help: () => 'shrunk (K keys) | django (the real 36^32 keys) | same-seed (real keys, every worker seeded alike)' },
  'key-space': { default: 64, value: 'K', help: () => `distinct session keys with --keys shrunk (1 to ${MAX_KEY_SPACE.toLocaleString('en')})` },
  occupancy: { default: 0.25, value: 'FRACTION', help: () => 'fraction of the shrunk key space held by live sessions (0 to 1)' },
  isolation: { default: undefined, shown: "the database's first level", value: 'LEVEL', help: () => `for scenarios whose transactions take it: ${isolationsHelp()}` },
  'max-attempts': { default: 10_000, value: 'N', help: () => 'key draws per op before it ends key_space_exhausted' },
  'op-timeout': { default: 10_000, value: 'MS', help: () => 'milliseconds an op may take before it ends indeterminate and the run stops' },
  seed: { default: undefined, shown: 'random', value: 'N', help: () => 'seed of the key draws (0 to 4294967295)' },
  expect: { default: undefined, shown: 'none', value: 'LIST', help: () => 'NAME=safe|unsafe,…: declare what a scenario should show, in place of its own expectation' },
  sweep: { default: undefined, shown: 'none', value: 'SPEC', help: () => 'key-space=4,16,64,… or workers=2,4,8: run the scenarios at each value' },
  rate: { default: 1000, value: 'N', help: () => 'new sessions per second in production, for the extrapolation' },
  out: { default: './racelab-report', value: 'DIR', help: () => 'directory under which each run writes its reports, in <out>/<run-id>/, with <out>/latest pointing at the newest' },
} as const satisfies Record<string, { default: string | number | undefined; shown?: string; value: string; help: () => string }>;

export type RunOptionName = keyof typeof RUN_OPTIONS;

/** How help shows an option's default. */
export function shownDefault(name: RunOptionName): string {
  const option: { default: string | number | undefined; shown?: string } = RUN_OPTIONS[name];
  return option.shown ?? String(option.default);
}

/** The ranges of the whole-number options. */
const WHOLE_NUMBER_RANGES = {
  clients: [1, 64],
  workers: [1, 64],
  threads: [1, 64],
  ops: [1, 1_000_000],
  'key-space': [1, MAX_KEY_SPACE],
  'max-attempts': [1, 1_000_000],
  seed: [0, 2 ** 32 - 1],
  'op-timeout': [10, 3_600_000],
  rate: [1, 1_000_000_000],
} as const satisfies Partial<Record<RunOptionName, readonly [number, number]>>;

/** Options that describe a shrunk key space and mean nothing with the real one. */
const SHRUNK_ONLY = ['key-space', 'occupancy'] as const satisfies readonly RunOptionName[];

/** Sweepable parameters, each with its own option's rule. */
const SWEEPS = { 'key-space': { min: 1, max: MAX_KEY_SPACE }, workers: { min: 1, max: 64 } } as const;

/** What a front door hands over: each option as given (strings as typed, numbers as passed), and how it names them. */
export interface RequestInput {
  given: Partial<Record<RunOptionName, string | number | undefined>>;
  allowRemote?: boolean;
  history?: boolean;
  /** Race amplification (harness/amplify/amplifier.ts). */
  amplify?: boolean;
  /** A command's own defaults in place of RUN_OPTIONS' (the gate runs the whole catalogue). */
  defaults?: Partial<Record<RunOptionName, string>>;
  /** Whether `db` may be a comma list (reproduce and gate), or names one database. */
  dbList?: boolean;
  /** How this front door spells an option: `--key-space`, or `keySpace`. */
  label?: (name: RunOptionName | 'allow-remote' | 'history' | 'amplify') => string;
  replayDb?: DatabaseChoice;
  /** Scenario files as they are, never split at commas or checked as names: race()'s one file. */
  scenarioFiles?: string[];
}

/** The command line's spelling of an option. */
const flagLabel = (name: string): string => `--${name}`;

/**
 * Checks every option before anything starts and builds the request. Throws UsageError, naming the
 * option as its front door spells it, on the first bad one.
 */
export function buildRequest(input: RequestInput): RunRequest {
  const label = input.label ?? flagLabel;
  const raw: Partial<Record<RunOptionName, string | number>> = Object.fromEntries(Object.entries(input.given).filter(([, v]) => v !== undefined));
  const given = (name: RunOptionName) => raw[name] ?? input.defaults?.[name];
  /** As given (a number from race(), a string from the command line), else the default value. */
  const value = (name: RunOptionName): string | number => given(name) ?? RUN_OPTIONS[name].default ?? '';
  const text = (name: RunOptionName): string => String(value(name));
  const whole = (name: keyof typeof WHOLE_NUMBER_RANGES): number => {
    const [min, max] = WHOLE_NUMBER_RANGES[name];
    return integerOption(label(name), value(name), min, max);
  };
  const db = input.dbList === false ? [parseDb(text('db'), label('db'))] : parseDbList(text('db'), label('db'));
  const isolationGiven = given('isolation') !== undefined;
  const isolation = isolationGiven ? choiceOption<Isolation>(label('isolation'), text('isolation'), ALL_ISOLATIONS) : 'read-committed';
  if (isolationGiven) checkIsolationOffered(isolation, db, label);
  const names = Object.keys(BUILT_IN_SCENARIOS);
  const keys = choiceOption<KeyMode>(label('keys'), text('keys'), KEY_MODES);
  if (keys !== 'shrunk') {
    const misplaced = SHRUNK_ONLY.find((name) => raw[name] !== undefined);
    if (misplaced) throw new UsageError(`${label(misplaced)} applies only to ${label('keys')} shrunk; ${label('keys')} ${keys} draws from the real key space`);
  }
  const sweep = raw.sweep === undefined ? undefined : parseSweep(String(raw.sweep), keys, raw, label);
  if (sweep && db.length > 1) throw new UsageError(`${label('sweep')} and a list of databases in ${label('db')} cannot be given together: the table is databases × scenarios, or values × scenarios`);
  if (raw.duration !== undefined && raw.ops !== undefined) throw new UsageError(`${label('duration')} and ${label('ops')} cannot be given together: one runs for a time, the other for a count`);
  const durationMs = raw.duration === undefined ? undefined : durationOption(label('duration'), String(raw.duration), 100, 24 * 3_600_000);
  if (raw.clients !== undefined && raw.workers !== undefined) throw new UsageError(`${label('clients')} and ${label('workers')} are the same option: give one`);
  const workers = raw.workers === undefined ? whole('clients') : whole('workers');
  const threadsRequested = raw.threads === undefined ? undefined : whole('threads');
  if (threadsRequested !== undefined && sweep === undefined && threadsRequested > workers) {
    throw new UsageError(`${label('threads')} must be at most ${label('clients')} (${workers}): a thread without a client has nothing to do, got ${JSON.stringify(raw.threads)}`);
  }
  const out = text('out');
  if (out.trim() === '') throw new UsageError(`${label('out')} must not be empty`);
  return {
    ...(threadsRequested !== undefined && { threadsRequested }),
    ...(sweep && { sweep }),
    expectations: raw.expect === undefined ? {} : parseExpectations(String(raw.expect), label('expect')),
    allowRemote: input.allowRemote ?? false,
    history: input.history ?? false,
    db,
    isolationGiven,
    scenarios: input.scenarioFiles ?? (text('scenario') === 'all' ? names : scenarioList(text('scenario'), names, label('scenario'))),
    config: {
      workers,
      threads: threadsFor(workers, threadsRequested),
      // A timed run stops at its time, or at the most ops allows, whichever comes first.
      opsPerWorker: durationMs === undefined ? whole('ops') : WHOLE_NUMBER_RANGES.ops[1],
      ...(durationMs !== undefined && { durationMs }),
      keys,
      keySpace: keys === 'shrunk' ? whole('key-space') : DJANGO_KEY_SPACE,
      occupancy: fractionOption(label('occupancy'), value('occupancy'), 0, 1),
      maxAttempts: whole('max-attempts'),
      seed: raw.seed === undefined ? randomInt(0, 2 ** 32) : whole('seed'),
      isolation,
      opTimeoutMs: whole('op-timeout'),
      ...(input.amplify && { amplify: true }),
    },
    rate: whole('rate'),
    out,
    ...(input.replayDb !== undefined && { replayDb: input.replayDb }),
    label,
  };
}

/** Built-in names, checked here, and scenario files, loaded and checked before the run. */
function scenarioList(raw: string, names: readonly string[], option: string): string[] {
  const entries = raw.split(',').map((entry) => entry.trim());
  const builtIns = entries.filter((entry) => !isScenarioFile(entry));
  if (builtIns.length > 0) listOption(option, builtIns.join(','), names);
  if (new Set(entries).size !== entries.length) throw new UsageError(`${option} names a value twice: ${JSON.stringify(raw)}`);
  return entries;
}

function parseExpectations(raw: string, option: string): Record<string, Expectation> {
  const declared: Record<string, Expectation> = {};
  for (const part of raw.split(',')) {
    const [name, expect, ...rest] = part.split('=');
    if (!name || (expect !== 'safe' && expect !== 'unsafe') || rest.length > 0) {
      throw new UsageError(`${option} takes NAME=safe or NAME=unsafe, comma-separated, got ${JSON.stringify(part)}`);
    }
    declared[name] = expect;
  }
  return declared;
}

function parseSweep(raw: string, keys: KeyMode, given: Partial<Record<string, string | number>>, label: (name: RunOptionName) => string): { parameter: SweepParameter; values: number[] } {
  const match = /^([a-z-]+)=(.+)$/.exec(raw);
  const parameter = match?.[1] as SweepParameter | undefined;
  if (!match || !parameter || !(parameter in SWEEPS)) {
    throw new UsageError(`${label('sweep')} must be key-space=V,V,… or workers=V,V,…, got ${JSON.stringify(raw)}`);
  }
  const fixed = parameter === 'workers' ? (['workers', 'clients'] as const).find((name) => given[name] !== undefined) : given[parameter] === undefined ? undefined : parameter;
  if (fixed !== undefined) throw new UsageError(`${label('sweep')} ${parameter}=… and ${label(fixed)} cannot be given together`);
  if (parameter === 'key-space' && keys !== 'shrunk') throw new UsageError(`${label('sweep')} key-space needs ${label('keys')} shrunk`);
  const { min, max } = SWEEPS[parameter];
  const values = match[2]!.split(',').map((v) => integerOption(`${label('sweep')} ${parameter}`, v, min, max));
  if (new Set(values).size !== values.length) throw new UsageError(`${label('sweep')} names a value twice: ${JSON.stringify(raw)}`);
  return { parameter, values };
}

/** A level given must be one every database of the run offers. */
export function checkIsolationOffered(isolation: Isolation, databases: readonly DatabaseChoice[], label: (name: RunOptionName) => string = flagLabel): void {
  for (const choice of databases) {
    const offered = isolationsOfChoice(choice);
    if (!offered.includes(isolation)) {
      throw new UsageError(`${label('isolation')} ${isolation} is not offered by ${label('db')} ${choiceLabel(choice)}, which takes ${offered.join(', ')}`);
    }
  }
}

/** `--db` as a comma list: each entry as `parseDb` takes it, none twice. */
function parseDbList(raw: string, option = '--db'): DatabaseChoice[] {
  const entries = raw.split(',').map((entry) => entry.trim());
  if (entries.some((entry) => entry === '')) throw new UsageError(`${option} has an empty entry in its list: ${JSON.stringify(redactUrl(raw))}`);
  const choices = entries.map((entry) => parseDb(entry, option));
  const labels = choices.map((choice) => (typeof choice === 'object' ? choice.url : choice));
  const twice = labels.find((one, index) => labels.indexOf(one) !== index);
  if (twice !== undefined) throw new UsageError(`${option} names a database twice: ${JSON.stringify(redactUrl(twice))}`);
  return choices;
}

/** One database, as `--db` names it: explore, list and clean take one, reproduce and gate a list (`parseDbList`). */
export function parseDb(raw: string, option = '--db'): DatabaseChoice {
  try {
    return parseChoice(raw);
  } catch (error) {
    if (!(error instanceof ChoiceError)) throw error;
    const parts = raw.split(',');
    if (parts.length > 1 && parts.every((part) => isOneDatabase(part.trim()))) {
      throw new UsageError(`${option} takes one database here, got the list ${JSON.stringify(redactUrl(raw))}; reproduce and gate take a list`);
    }
    // The registry's words name the command line's option; race() names its own.
    throw new UsageError(error.message.replace(/^--db\b/, option));
  }
}

function isOneDatabase(raw: string): boolean {
  try {
    parseChoice(raw);
    return true;
  } catch {
    return false;
  }
}
