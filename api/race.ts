/**
 * The library entry: run a scenario from code and get the findings back as data (the same as
 * report.json), or assert that it is race-free in a test.
 */
import { randomInt } from 'node:crypto';
import type { JsonReport } from '../reports/json.ts';
import { toJsonReport } from '../reports/json.ts';
import { raceFoundMessage } from './race-found-message.ts';
import { UsageError } from '../cli/cli-errors.ts';
import { parseDb, REPRODUCE_OPTIONS, WHOLE_NUMBER_RANGES, type ReproduceOptions } from '../cli/reproduce-options.ts';
import { DJANGO_KEY_SPACE } from '../harness/key-modes.ts';
import { ALL_ISOLATIONS, KEY_MODES } from '../harness/types.ts';
import { choiceLabel, FAMILY_ISOLATIONS, familyOfChoice } from '../stores/choice.ts';
import { runInvocation } from '../cli/run-invocation.ts';
import type { CommandIo } from '../cli/commands/command.ts';
import type { Expectation, Isolation, KeyMode, Scenario } from '../harness/types.ts';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { checkOutDir } from '../cli/out-dir.ts';
import { loadScenario } from '../harness/load-module.ts';
import { threadsFor } from '../harness/thread-count.ts';

/** Where racelab/vitest's global setup leaves the URL of the database it started for the test run. */
export const SHARED_DATABASE_ENV = 'RACELAB_SHARED_DATABASE_URL';
/**
 * Where it leaves the `--db` a rerun of a race() on that database names: `embedded` when it
 * started a throwaway server, whose URL is dead once the test run ends; DATABASE_URL when it used that.
 */
export const SHARED_DATABASE_RERUN_ENV = 'RACELAB_SHARED_DATABASE_RERUN';

export interface RaceOptions {
  /**
   * `auto` (default), `embedded`, `mariadb`, `docker`, `docker:mariadb`, … or a URL (`postgres://`,
   * `mysql://`, `mariadb://`), as the CLI's `--db`. Under racelab/vitest's global setup the
   * default is the database it started once for the whole test run.
   */
  db?: string;
  /** Concurrent clients, each with its own connection, op order and audit (default 4). */
  clients?: number;
  /** @deprecated the same as `clients`. */
  workers?: number;
  /** Threads the clients are spread over (default: half the cores, at most `clients`). */
  threads?: number;
  /** Ops per worker. */
  ops?: number;
  keys?: KeyMode;
  keySpace?: number;
  occupancy?: number;
  isolation?: Isolation;
  maxAttempts?: number;
  opTimeoutMs?: number;
  seed?: number;
  /** Declares what the scenario should show for this run, in place of its own expectation. */
  expect?: Expectation;
  /** Consent to run against a server that is not on this machine. */
  allowRemote?: boolean;
  /** Also write report.json, report.md, junit.xml and report.html to this directory. */
  out?: string;
  /** Aborting stops the run after the current ops; the result is then marked interrupted. */
  signal?: AbortSignal;
}

/**
 * Thrown for what keeps a race from running at all (bad options, a database that cannot start, a
 * run that broke), and by `expectRaceFree` for a run whose ops never raced: no evidence either way.
 */
export class RaceError extends Error {
  override name = 'RaceError';
}

/**
 * Runs one scenario against a real database and returns the report's data. Throws `RaceError`
 * only when it cannot run or its run broke; a race it finds is a result, not an error.
 *
 * @param scenario a scenario made with defineScenario in a module of its own, or its file's path
 *   or URL: worker threads load it from there.
 */
export async function race(scenario: Scenario | string | URL, options: RaceOptions = {}): Promise<JsonReport> {
  return (await runRace(scenario, options)).report;
}

/** race(), and the report's directory when it wrote one (`out`). */
async function runRace(scenario: Scenario | string | URL, options: RaceOptions): Promise<{ report: JsonReport; reportDir: string | undefined }> {
  const file = scenarioFile(scenario);
  const name = typeof scenario === 'object' && !(scenario instanceof URL) ? scenario.name : await scenarioName(file);
  const io: CommandIo = {
    stdout: () => undefined,
    progress: () => undefined,
    error: () => undefined,
    status: () => undefined,
    signal: options.signal ?? new AbortController().signal,
    columns: Number.POSITIVE_INFINITY,
  };
  try {
    const parsed = runOptions(file, name, options);
    if (options.out !== undefined) await checkOutDir(options.out);
    const { input, reportDir } = await runInvocation('reproduce', parsed, io, { writeFiles: options.out !== undefined });
    if (input.failure) throw new RaceError(input.failure);
    return { report: toJsonReport(input), reportDir };
  } catch (error) {
    if (error instanceof RaceError) throw error;
    throw new RaceError(error instanceof UsageError ? error.message : `${(error as Error).message}`);
  }
}

/**
 * Runs the scenario and fails, with the finding, its first example and the command that reruns
 * it, if any op violated the property. For test suites: `await expectRaceFree(signup, { workers: 8 })`.
 */
export async function expectRaceFree(scenario: Scenario | string | URL, options: RaceOptions = {}): Promise<JsonReport> {
  const { report, reportDir } = await runRace(scenario, options);
  const [result] = report.scenarios;
  if (result && result.violations > 0) throw new RaceFoundError(raceFoundMessage(report, reportDir));
  // No violation in no race window is no evidence that it is race-free: say so rather than pass.
  if (result?.verdict === 'no-evidence') throw new RaceError(`${result.check.reason}\nrerun: ${report.replayCommand}`);
  return report;
}

/** The failure of `expectRaceFree`: its message is the evidence. */
export class RaceFoundError extends Error {
  override name = 'RaceFoundError';
}

async function scenarioName(file: string): Promise<string> {
  try {
    return (await loadScenario(pathToFileURL(resolve(file)).href)).name;
  } catch (error) {
    throw new RaceError(`${file}: ${(error as Error).message}`);
  }
}

function scenarioFile(scenario: Scenario | string | URL): string {
  if (scenario instanceof URL) return fileURLToPath(scenario);
  if (typeof scenario === 'string') return scenario.startsWith('file:') ? fileURLToPath(scenario) : scenario;
  if (scenario.module === undefined) {
    throw new RaceError(`${scenario.name}: racelab cannot tell which file defines it; pass the file's path or URL instead`);
  }
  return fileURLToPath(scenario.module);
}

/**
 * The run race() asks for, checked by the CLI's own rules (the same ranges, the same database
 * choice), each option named as race() names it.
 */
function runOptions(file: string, name: string, options: RaceOptions): ReproduceOptions {
  const whole = (option: keyof typeof WHOLE_NUMBER_RANGES, label: keyof RaceOptions, value: number | undefined): number => {
    const [min, max] = WHOLE_NUMBER_RANGES[option];
    const chosen = value ?? Number(REPRODUCE_OPTIONS[option].default);
    if (!Number.isSafeInteger(chosen) || chosen < min || chosen > max) {
      throw new RaceError(`${label} must be a whole number from ${min.toLocaleString('en')} to ${max.toLocaleString('en')}, got ${value}`);
    }
    return chosen;
  };
  const oneOf = <T extends string>(label: keyof RaceOptions, value: T | undefined, allowed: readonly T[], fallback: T): T => {
    if (value === undefined) return fallback;
    if (!allowed.includes(value)) throw new RaceError(`${label} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
    return value;
  };
  const keys = oneOf('keys', options.keys, KEY_MODES, 'shrunk');
  if (keys !== 'shrunk' && (options.keySpace !== undefined || options.occupancy !== undefined)) {
    throw new RaceError(`keySpace and occupancy apply only to keys: 'shrunk'; keys: '${keys}' draws from the real key space`);
  }
  const occupancy = options.occupancy ?? Number(REPRODUCE_OPTIONS.occupancy.default);
  if (!(occupancy >= 0 && occupancy <= 1)) throw new RaceError(`occupancy must be a number from 0 to 1, got ${options.occupancy}`);
  const shared = options.db === undefined ? process.env[SHARED_DATABASE_ENV] : undefined;
  const given = options.db ?? shared ?? 'auto';
  if (options.clients !== undefined && options.workers !== undefined) throw new RaceError('clients and workers are the same option: give one');
  const workers = options.workers === undefined ? whole('clients', 'clients', options.clients) : whole('workers', 'workers', options.workers);
  if (options.threads !== undefined && options.threads > workers) {
    throw new RaceError(`threads must be at most clients (${workers}): a thread without a client has nothing to do, got ${options.threads}`);
  }
  const db = parseDb(given);
  const isolation = oneOf('isolation', options.isolation, ALL_ISOLATIONS, 'read-committed');
  const offered = FAMILY_ISOLATIONS[familyOfChoice(db)];
  if (options.isolation !== undefined && !offered.includes(isolation)) {
    throw new RaceError(`isolation ${isolation} is not offered by db ${JSON.stringify(choiceLabel(db))}, which takes ${offered.join(', ')}`);
  }
  return {
    db: [db],
    isolationGiven: options.isolation !== undefined,
    scenarios: [file],
    allowRemote: options.allowRemote ?? false,
    expectations: options.expect === undefined ? {} : { [name]: oneOf('expect', options.expect, ['safe', 'unsafe'], 'safe') },
    rate: Number(REPRODUCE_OPTIONS.rate.default),
    out: options.out ?? REPRODUCE_OPTIONS.out.default,
    history: false,
    // The shared database is gone when the test run ends: a rerun starts its own.
    ...(shared !== undefined && { replayDb: parseDb(process.env[SHARED_DATABASE_RERUN_ENV] ?? 'embedded') }),
    config: {
      workers,
      threads: threadsFor(workers, options.threads === undefined ? undefined : whole('threads', 'threads', options.threads)),
      opsPerWorker: whole('ops', 'ops', options.ops),
      keys,
      keySpace: keys === 'shrunk' ? whole('key-space', 'keySpace', options.keySpace) : DJANGO_KEY_SPACE,
      occupancy,
      maxAttempts: whole('max-attempts', 'maxAttempts', options.maxAttempts),
      seed: options.seed === undefined ? randomInt(0, 2 ** 32) : whole('seed', 'seed', options.seed),
      isolation,
      opTimeoutMs: whole('op-timeout', 'opTimeoutMs', options.opTimeoutMs),
    },
  };
}
