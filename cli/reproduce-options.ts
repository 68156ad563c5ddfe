import { randomInt } from 'node:crypto';
import { DJANGO_KEY_SPACE } from '../harness/key-modes.ts';
import { MAX_KEY_SPACE } from '../harness/session-keys.ts';
import { threadsFor } from '../harness/thread-count.ts';
import type { SweepParameter } from '../harness/report-input.ts';
import { ALL_ISOLATIONS, ISOLATIONS, KEY_MODES, TRANSACTION_MODES, type Expectation, type Isolation, type KeyMode, type RunConfig } from '../harness/types.ts';
import { BUILT_IN_SCENARIOS, DEFAULT_SCENARIOS } from '../scenarios/index.ts';
import { choiceLabel, EMBEDDED_MAJORS, FAMILY_ISOLATIONS, familyOfChoice, familyOfUrl, URL_SCHEMES, type DatabaseChoice } from '../stores/choice.ts';
import { redactUrl } from '../stores/shared/redact-url.ts';
import { UsageError } from './cli-errors.ts';
import { choiceOption, durationOption, fractionOption, integerOption, listOption } from './option-rules.ts';
import { parseFlags } from './parse-flags.ts';
import { isScenarioFile } from './scenario-modules.ts';

export interface ReproduceOptions {
  /** The databases to run on, in order: one, or a list for the database × scenario table. */
  db: DatabaseChoice[];
  /** True when `--isolation` was given; else each database runs at its own first level (`FAMILY_ISOLATIONS`). */
  isolationGiven: boolean;
  scenarios: string[];
  config: RunConfig;
  /** Consent to run against a server off this machine. */
  allowRemote: boolean;
  /** Expectations declared on the command line, in place of the scenarios' own. */
  expectations: Record<string, Expectation>;
  /** Runs the scenarios once per value of one parameter. */
  sweep?: { parameter: SweepParameter; values: number[] };
  /** New sessions per second in production, for the extrapolation to the real key space. */
  rate: number;
  out: string;
  /** `--history`: write every op as JSON Lines in Jepsen's history shape beside the reports. */
  history: boolean;
  /** `--threads` as given; a sweep over the clients caps it at each value. */
  threadsRequested?: number;
  /**
   * The database a rerun names, when the one that ran will be gone (race() on racelab/vitest's
   * shared server, stopped when the test run ends); else the rerun names `db`.
   */
  replayDb?: DatabaseChoice;
}

/** Defaults, and the help text's table of options, in one place. */
export const REPRODUCE_OPTIONS = {
  db: {
    default: 'auto',
    help: 'auto | embedded | embedded@12…18 | mariadb | sqlite | sqlite:PATH | docker[:postgres|mariadb|mysql] | postgres://… | mysql://… | mariadb://…, or a comma list of them',
  },
  scenario: { default: DEFAULT_SCENARIOS.join(','), help: 'comma-separated scenario names (racelab list), or all' },
  clients: { default: '4', help: 'concurrent clients, each with its own connection, op order and audit (1 to 64); --workers is the same option' },
  workers: { default: '4', help: 'the same as --clients' },
  threads: { default: 'half the cores', help: 'threads the clients are spread over, as pgbench -j (1 to --clients); a database on this machine needs the other cores' },
  ops: { default: '2000', help: 'ops per worker (1 to 1,000,000)' },
  duration: { default: 'none', help: 'run for a time instead of a count, e.g. 30s or 2m (100ms to 24h), as pgbench -T' },
  keys: { default: 'shrunk', help: 'shrunk (K keys) | django (the real 36^32 keys) | same-seed (real keys, every worker seeded alike)' },
  'key-space': { default: '64', help: `distinct session keys with --keys shrunk (1 to ${MAX_KEY_SPACE.toLocaleString('en')})` },
  occupancy: { default: '0.25', help: 'fraction of the shrunk key space held by live sessions (0 to 1)' },
  isolation: { default: 'read-committed (SQLite: deferred)', help: `for scenarios whose transactions take it: ${ISOLATIONS.join(' | ')}; on SQLite its modes ${TRANSACTION_MODES.join(' | ')}` },
  'max-attempts': { default: '10000', help: 'key draws per op before it ends key_space_exhausted' },
  'op-timeout': { default: '10000', help: 'milliseconds an op may take before it ends indeterminate and the run stops' },
  seed: { default: 'random', help: 'seed of the key draws (0 to 4294967295)' },
  expect: { default: 'none', help: 'NAME=safe|unsafe,…: declare what a scenario should show, in place of its own expectation' },
  sweep: { default: 'none', help: 'key-space=4,16,64,… or workers=2,4,8: run the scenarios at each value' },
  rate: { default: '1000', help: 'new sessions per second in production, for the extrapolation' },
  out: { default: './racelab-report', help: 'directory under which each run writes its reports, in <out>/<run-id>/, with <out>/latest pointing at the newest' },
} as const;

export type OptionName = keyof typeof REPRODUCE_OPTIONS;

/** The ranges of the whole-number options: the CLI's rules, and race()'s for the same options. */
export const WHOLE_NUMBER_RANGES = {
  clients: [1, 64],
  workers: [1, 64],
  threads: [1, 64],
  ops: [1, 1_000_000],
  'key-space': [1, MAX_KEY_SPACE],
  'max-attempts': [1, 1_000_000],
  seed: [0, 2 ** 32 - 1],
  'op-timeout': [10, 3_600_000],
} as const satisfies Partial<Record<OptionName, readonly [number, number]>>;

function whole(option: keyof typeof WHOLE_NUMBER_RANGES, raw: string): number {
  const [min, max] = WHOLE_NUMBER_RANGES[option];
  return integerOption(option, raw, min, max);
}

/** Options that describe a shrunk key space and mean nothing with the real one. */
const SHRUNK_ONLY = ['key-space', 'occupancy'] as const satisfies readonly OptionName[];

/**
 * Parses and checks every option before anything starts. Throws UsageError on the first bad one.
 * `defaults` lets a command change a default (the gate runs the whole catalogue).
 */
export function parseReproduceOptions(
  args: readonly string[],
  command = 'reproduce',
  defaults: Partial<Record<OptionName, string>> = {},
  extra: readonly string[] = [],
): ReproduceOptions & { extra: Partial<Record<string, string>> } {
  const raw = parseFlags(command, args, [...(Object.keys(REPRODUCE_OPTIONS) as OptionName[]), ...extra], { flags: ['allow-remote', 'history'] });
  const value = (name: OptionName) => raw[name] ?? defaults[name] ?? REPRODUCE_OPTIONS[name].default;
  const db = parseDbList(value('db'));
  const isolationGiven = raw.isolation !== undefined || defaults.isolation !== undefined;
  const isolation = isolationGiven ? choiceOption<Isolation>('isolation', value('isolation'), ALL_ISOLATIONS) : 'read-committed';
  if (isolationGiven) checkIsolationOffered(isolation, db);
  const names = Object.keys(BUILT_IN_SCENARIOS);
  const scenarioArg = value('scenario');
  const keys = choiceOption<KeyMode>('keys', value('keys'), KEY_MODES);
  if (keys !== 'shrunk') {
    const misplaced = SHRUNK_ONLY.find((name) => raw[name] !== undefined);
    if (misplaced) throw new UsageError(`--${misplaced} applies only to --keys shrunk; --keys ${keys} draws from the real key space`);
  }
  const sweep = raw.sweep === undefined ? undefined : parseSweep(raw.sweep, keys, raw);
  if (sweep && db.length > 1) throw new UsageError('--sweep and a list of databases in --db cannot be given together: the table is databases × scenarios, or values × scenarios');
  if (raw.duration !== undefined && raw.ops !== undefined) throw new UsageError('--duration and --ops cannot be given together: one runs for a time, the other for a count');
  const durationMs = raw.duration === undefined ? undefined : durationOption('duration', raw.duration, 100, 24 * 3_600_000);
  if (raw.clients !== undefined && raw.workers !== undefined) throw new UsageError('--clients and --workers are the same option: give one');
  // An error names the option as it was typed.
  const workers = raw.workers === undefined ? whole('clients', value('clients')) : whole('workers', raw.workers);
  const threadsRequested = raw.threads === undefined ? undefined : whole('threads', raw.threads);
  if (threadsRequested !== undefined && sweep === undefined && threadsRequested > workers) {
    throw new UsageError(`--threads must be at most --clients (${workers}): a thread without a client has nothing to do, got ${JSON.stringify(raw.threads)}`);
  }
  return {
    ...(threadsRequested !== undefined && { threadsRequested }),
    ...(sweep && { sweep }),
    expectations: raw.expect === undefined ? {} : parseExpectations(raw.expect),
    extra: Object.fromEntries(extra.map((name) => [name, raw[name]])),
    allowRemote: raw.flags.has('allow-remote'),
    history: raw.flags.has('history'),
    db,
    isolationGiven,
    scenarios: scenarioArg === 'all' ? names : scenarioList(scenarioArg, names),
    config: {
      workers,
      threads: threadsFor(workers, threadsRequested),
      // A timed run stops at its time, or at the most --ops allows, whichever comes first.
      opsPerWorker: durationMs === undefined ? whole('ops', value('ops')) : WHOLE_NUMBER_RANGES.ops[1],
      ...(durationMs !== undefined && { durationMs }),
      keys,
      keySpace: keys === 'shrunk' ? whole('key-space', value('key-space')) : DJANGO_KEY_SPACE,
      occupancy: fractionOption('occupancy', value('occupancy'), 0, 1),
      maxAttempts: whole('max-attempts', value('max-attempts')),
      seed: raw.seed === undefined ? randomInt(0, 2 ** 32) : whole('seed', raw.seed),
      isolation,
      opTimeoutMs: whole('op-timeout', value('op-timeout')),
    },
    rate: integerOption('rate', value('rate'), 1, 1_000_000_000),
    out: nonEmpty('out', value('out')),
  };
}

/** Built-in names, checked here, and scenario files, loaded and checked before the run. */
function scenarioList(raw: string, names: readonly string[]): string[] {
  const entries = raw.split(',').map((entry) => entry.trim());
  const builtIns = entries.filter((entry) => !isScenarioFile(entry));
  if (builtIns.length > 0) listOption('scenario', builtIns.join(','), names);
  if (new Set(entries).size !== entries.length) throw new UsageError(`--scenario names a value twice: ${JSON.stringify(raw)}`);
  return entries;
}

function parseExpectations(raw: string): Record<string, Expectation> {
  const declared: Record<string, Expectation> = {};
  for (const part of raw.split(',')) {
    const [name, expect, ...rest] = part.split('=');
    if (!name || (expect !== 'safe' && expect !== 'unsafe') || rest.length > 0) {
      throw new UsageError(`--expect takes NAME=safe or NAME=unsafe, comma-separated, got ${JSON.stringify(part)}`);
    }
    declared[name] = expect;
  }
  return declared;
}

/** Sweepable parameters: what each is called on the command line, and its own option's rule. */
const SWEEPS = { 'key-space': { min: 1, max: MAX_KEY_SPACE }, workers: { min: 1, max: 64 } } as const;

function parseSweep(raw: string, keys: KeyMode, given: Partial<Record<string, string>>): { parameter: SweepParameter; values: number[] } {
  const match = /^([a-z-]+)=(.+)$/.exec(raw);
  const parameter = match?.[1] as SweepParameter | undefined;
  if (!match || !parameter || !(parameter in SWEEPS)) {
    throw new UsageError(`--sweep must be key-space=V,V,… or workers=V,V,…, got ${JSON.stringify(raw)}`);
  }
  const fixed = parameter === 'workers' ? (['workers', 'clients'] as const).find((name) => given[name] !== undefined) : given[parameter] === undefined ? undefined : parameter;
  if (fixed !== undefined) throw new UsageError(`--sweep ${parameter}=… and --${fixed} cannot be given together`);
  if (parameter === 'key-space' && keys !== 'shrunk') throw new UsageError('--sweep key-space needs --keys shrunk');
  const { min, max } = SWEEPS[parameter];
  const values = match[2]!.split(',').map((v) => integerOption(`sweep ${parameter}`, v, min, max));
  if (new Set(values).size !== values.length) throw new UsageError(`--sweep names a value twice: ${JSON.stringify(raw)}`);
  return { parameter, values };
}

/** A level given with `--isolation` must be one every database of the run offers. */
export function checkIsolationOffered(isolation: Isolation, databases: readonly DatabaseChoice[]): void {
  for (const choice of databases) {
    const offered = FAMILY_ISOLATIONS[familyOfChoice(choice)];
    if (!offered.includes(isolation)) {
      throw new UsageError(`--isolation ${isolation} is not offered by --db ${choiceLabel(choice)}, which takes ${offered.join(', ')}`);
    }
  }
}

const NAMED_DATABASES = ['auto', 'embedded', 'mariadb', 'sqlite', 'docker', 'docker:postgres', 'docker:mariadb', 'docker:mysql'] as const;

/** `--db` as a comma list: each entry as `parseDb` takes it, none twice. */
export function parseDbList(raw: string): DatabaseChoice[] {
  const entries = raw.split(',').map((entry) => entry.trim());
  if (entries.some((entry) => entry === '')) throw new UsageError(`--db has an empty entry in its list: ${JSON.stringify(redactUrl(raw))}`);
  const choices = entries.map(parseDb);
  const labels = choices.map((choice) => (typeof choice === 'object' ? choice.url : choice));
  const twice = labels.find((label, index) => labels.indexOf(label) !== index);
  if (twice !== undefined) throw new UsageError(`--db names a database twice: ${JSON.stringify(redactUrl(twice))}`);
  return choices;
}

/** One database, as `--db` names it: explore, list and clean take one, reproduce and gate a list (`parseDbList`). */
export function parseDb(raw: string): DatabaseChoice {
  if ((NAMED_DATABASES as readonly string[]).includes(raw)) return raw as DatabaseChoice;
  const parts = raw.split(',');
  if (parts.length > 1 && parts.every((part) => isOneDatabase(part.trim()))) {
    throw new UsageError(`--db takes one database here, got the list ${JSON.stringify(redactUrl(raw))}; reproduce and gate take a list`);
  }
  const embedded = /^embedded@(.*)$/.exec(raw);
  if (embedded) {
    const major = /^\d+$/.test(embedded[1]!) ? Number(embedded[1]) : Number.NaN;
    if (!(major >= EMBEDDED_MAJORS.min && major <= EMBEDDED_MAJORS.max)) {
      throw new UsageError(`--db embedded@N takes a PostgreSQL major from ${EMBEDDED_MAJORS.min} to ${EMBEDDED_MAJORS.max}, got ${JSON.stringify(raw)}`);
    }
    return `embedded@${major}`;
  }
  if (raw.startsWith('sqlite:')) {
    if (raw.length === 'sqlite:'.length) throw new UsageError('--db sqlite:PATH must name a file, e.g. sqlite:/tmp/race.sqlite3');
    return raw as DatabaseChoice;
  }
  let url: URL;
  try {
    // `docker:oracle` parses as a URL too, but was meant as a name.
    if (!raw.includes('://')) throw new TypeError('not a URL');
    url = new URL(raw);
  } catch {
    throw new UsageError(`--db must be ${NAMED_DATABASES.join(', ')}, embedded@N, sqlite:PATH or a URL (${URL_SCHEMES.join(' ')}), got ${JSON.stringify(redactUrl(raw))}`);
  }
  if (familyOfUrl(raw) === undefined) {
    throw new UsageError(`--db URL must start with ${URL_SCHEMES.join(', ')}, got ${JSON.stringify(url.protocol + '//…')}`);
  }
  if (url.hostname === '') {
    const example = familyOfUrl(raw) === 'mysql' ? `${url.protocol}//user@127.0.0.1:3306/db` : 'postgres://user@127.0.0.1:5432/db';
    throw new UsageError(`--db URL must name a host, e.g. ${example}`);
  }
  return { url: raw };
}

function isOneDatabase(raw: string): boolean {
  try {
    parseDb(raw);
    return true;
  } catch {
    return false;
  }
}

function nonEmpty(option: string, raw: string): string {
  if (raw.trim() === '') throw new UsageError(`--${option} must not be empty`);
  return raw;
}
