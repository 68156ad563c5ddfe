import { randomInt } from 'node:crypto';
import { DJANGO_KEY_SPACE } from '../harness/key-modes.ts';
import { MAX_KEY_SPACE } from '../harness/session-keys.ts';
import { ISOLATIONS, KEY_MODES, type Isolation, type KeyMode, type RunConfig } from '../harness/types.ts';
import { BUILT_IN_SCENARIOS, DEFAULT_SCENARIOS } from '../scenarios/index.ts';
import type { DatabaseChoice } from '../stores/postgres/provision.ts';
import { redactUrl } from '../stores/postgres/redact-url.ts';
import { UsageError } from './cli-errors.ts';
import { choiceOption, fractionOption, integerOption, listOption } from './option-rules.ts';
import { parseFlags } from './parse-flags.ts';

export interface ReproduceOptions {
  db: DatabaseChoice;
  scenarios: string[];
  config: RunConfig;
  /** New sessions per second in production, for the extrapolation to the real key space. */
  rate: number;
  out: string;
}

/** Defaults, and the help text's table of options, in one place. */
export const REPRODUCE_OPTIONS = {
  db: { default: 'auto', help: 'auto | embedded | docker | postgres://user:password@host:port/db' },
  scenario: { default: DEFAULT_SCENARIOS.join(','), help: 'comma-separated scenario names (racelab list), or all' },
  workers: { default: '4', help: 'worker threads, each with its own connection (1 to 64)' },
  ops: { default: '2000', help: 'ops per worker (1 to 1,000,000)' },
  keys: { default: 'shrunk', help: 'shrunk (K keys) | django (the real 36^32 keys) | same-seed (real keys, every worker seeded alike)' },
  'key-space': { default: '64', help: `distinct session keys with --keys shrunk (1 to ${MAX_KEY_SPACE.toLocaleString('en')})` },
  occupancy: { default: '0.25', help: 'fraction of the shrunk key space held by live sessions (0 to 1)' },
  isolation: { default: 'read-committed', help: `for scenarios whose transactions take it: ${ISOLATIONS.join(' | ')}` },
  'max-attempts': { default: '10000', help: 'key draws per op before it ends key_space_exhausted' },
  seed: { default: 'random', help: 'seed of the key draws (0 to 4294967295)' },
  rate: { default: '1000', help: 'new sessions per second in production, for the extrapolation' },
  out: { default: './racelab-report', help: 'directory for report.json' },
} as const;

type OptionName = keyof typeof REPRODUCE_OPTIONS;

/** Options that describe a shrunk key space and mean nothing with the real one. */
const SHRUNK_ONLY = ['key-space', 'occupancy'] as const satisfies readonly OptionName[];

/** Parses and checks every option before anything starts. Throws UsageError on the first bad one. */
export function parseReproduceOptions(args: readonly string[]): ReproduceOptions {
  const raw = parseFlags('reproduce', args, Object.keys(REPRODUCE_OPTIONS) as OptionName[]);
  const value = (name: OptionName) => raw[name] ?? REPRODUCE_OPTIONS[name].default;
  const names = Object.keys(BUILT_IN_SCENARIOS);
  const scenarioArg = value('scenario');
  const keys = choiceOption<KeyMode>('keys', value('keys'), KEY_MODES);
  if (keys !== 'shrunk') {
    const misplaced = SHRUNK_ONLY.find((name) => raw[name] !== undefined);
    if (misplaced) throw new UsageError(`--${misplaced} applies only to --keys shrunk; --keys ${keys} draws from the real key space`);
  }
  return {
    db: parseDb(value('db')),
    scenarios: scenarioArg === 'all' ? names : listOption('scenario', scenarioArg, names),
    config: {
      workers: integerOption('workers', value('workers'), 1, 64),
      opsPerWorker: integerOption('ops', value('ops'), 1, 1_000_000),
      keys,
      keySpace: keys === 'shrunk' ? integerOption('key-space', value('key-space'), 1, MAX_KEY_SPACE) : DJANGO_KEY_SPACE,
      occupancy: fractionOption('occupancy', value('occupancy'), 0, 1),
      maxDraws: integerOption('max-attempts', value('max-attempts'), 1, 1_000_000),
      seed: raw.seed === undefined ? randomInt(0, 2 ** 32) : integerOption('seed', raw.seed, 0, 2 ** 32 - 1),
      isolation: choiceOption<Isolation>('isolation', value('isolation'), ISOLATIONS),
    },
    rate: integerOption('rate', value('rate'), 1, 1_000_000_000),
    out: nonEmpty('out', value('out')),
  };
}

export function parseDb(raw: string): DatabaseChoice {
  if (raw === 'auto' || raw === 'embedded' || raw === 'docker') return raw;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--db must be auto, embedded, docker or a postgres:// URL, got ${JSON.stringify(redactUrl(raw))}`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new UsageError(`--db URL must start with postgres:// or postgresql://, got ${JSON.stringify(url.protocol + '//…')}`);
  }
  if (url.hostname === '') throw new UsageError('--db URL must name a host, e.g. postgres://user@127.0.0.1:5432/db');
  return { url: raw };
}

function nonEmpty(option: string, raw: string): string {
  if (raw.trim() === '') throw new UsageError(`--${option} must not be empty`);
  return raw;
}
