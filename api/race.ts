/**
 * The library entry: run a scenario from code and get the findings back as data (the same as
 * report.json), or assert that it is race-free in a test.
 */
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { JsonReport } from '../reports/json.ts';
import { toJsonReport } from '../reports/json.ts';
import { raceFoundMessage } from './race-found-message.ts';
import { loadScenario } from '../harness/load-module.ts';
import type { Expectation } from '../harness/contract/outcomes.ts';
import type { KeyMode } from '../harness/contract/run-config.ts';
import type { Scenario } from '../harness/contract/scenario.ts';
import type { Isolation } from '../harness/contract/store.ts';
import { UsageError } from '../run/errors.ts';
import { checkOutDir } from '../run/out-dir.ts';
import { choiceOption } from '../run/option-rules.ts';
import { buildRequest, parseDb, type RunOptionName, type RunRequest } from '../run/request.ts';
import { quietIo } from '../run/run-io.ts';
import { runInvocation } from '../run/run-request.ts';
import { sharedServerWord } from '../stores/registry.ts';
import { SHARED_DATABASE_ENV, SHARED_DATABASE_RERUN_ENV } from './shared-database.ts';


export interface RaceOptions {
  /**
   * `auto` (default), a database's word or a server's URL, as the CLI's `--db` takes one (`racelab
   * reproduce --help` lists them). Under racelab/vitest's global setup the
   * default is the database it started once for the whole test run.
   */
  db?: string;
  /** Concurrent clients, each with its own connection, op order and audit (default 4). */
  clients?: number;
  /** The same as `clients`, as the CLI's `--workers` is the same as `--clients`: give one. */
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
  /**
   * Forces the race: seeded shared key draws and holds after reads (the CLI's `--amplify`), so a
   * narrow window opens on demand. The result's rates then say how the code behaves when it races,
   * not how often it races unamplified; `seed` replays the same decisions (docs/amplify.md).
   */
  amplify?: boolean;
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
  try {
    const request = raceRequest(file, name, options);
    if (options.out !== undefined) await checkOutDir(options.out, 'out');
    const { input, reportDir } = await runInvocation('reproduce', request, quietIo(options.signal), { writeFiles: options.out !== undefined });
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

/** race()'s spelling of each option it shares with the command line; the rules and their words are the request's. */
const RACE_LABELS: Partial<Record<RunOptionName | 'allow-remote' | 'history' | 'amplify', keyof RaceOptions>> = {
  'key-space': 'keySpace',
  'max-attempts': 'maxAttempts',
  'op-timeout': 'opTimeoutMs',
  'allow-remote': 'allowRemote',
};

/** The run race() asks for: its options handed to the one request, each named as race() names it. */
function raceRequest(file: string, name: string, options: RaceOptions): RunRequest {
  const shared = options.db === undefined ? process.env[SHARED_DATABASE_ENV] : undefined;
  const expect = options.expect === undefined ? undefined : choiceOption('expect', options.expect, ['safe', 'unsafe']);
  return buildRequest({
    scenarioFiles: [file],
    given: {
      db: options.db ?? shared,
      clients: options.clients,
      workers: options.workers,
      threads: options.threads,
      ops: options.ops,
      keys: options.keys,
      'key-space': options.keySpace,
      occupancy: options.occupancy,
      isolation: options.isolation,
      'max-attempts': options.maxAttempts,
      'op-timeout': options.opTimeoutMs,
      seed: options.seed,
      ...(expect !== undefined && { expect: `${name}=${expect}` }),
      out: options.out,
    },
    dbList: false,
    allowRemote: options.allowRemote ?? false,
    amplify: options.amplify ?? false,
    label: (option) => RACE_LABELS[option] ?? option,
    // The shared database is gone when the test run ends: a rerun starts its own.
    ...(shared !== undefined && { replayDb: parseDb(process.env[SHARED_DATABASE_RERUN_ENV] ?? sharedServerWord()) }),
  });
}
