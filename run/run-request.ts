import { mkdir } from 'node:fs/promises';
import { analyticExpectation } from '../harness/analytic.ts';
import { loadScenario } from '../harness/load-module.ts';
import { reproduce, SCHEDULE } from '../harness/reproduce.ts';
import { threadsFor } from '../harness/thread-count.ts';
import { BUILT_IN_SCENARIOS } from '../scenarios/index.ts';
import { createWorkerPool, type WorkerPool } from '../harness/worker-pool.ts';
import { ScenarioSetupError } from '../harness/scenario-hooks.ts';
import { allFindings, type ReportDatabase, type ReportInput, type ReportPoint } from '../harness/report-input.ts';
import type { RunConfig } from '../harness/contract/run-config.ts';
import type { Database } from '../harness/contract/store.ts';
import { compareWithBaseline, type BaselineEntry } from '../harness/baseline.ts';
import { decide } from '../harness/verdict.ts';
import type { Finding } from '../harness/finding.ts';
import { ExploreInterrupted } from '../harness/explore/harness-failure.ts';
import type { ScenarioSearch } from '../harness/explore/search-scenarios.ts';
import { renderTrac } from '../reports/trac.ts';
import { renderHtml } from '../reports/html.ts';
import { renderJson } from '../reports/json.ts';
import { renderJunit } from '../reports/junit.ts';
import { renderMarkdown } from '../reports/markdown.ts';
import { progressLine } from '../reports/progress-line.ts';
import { UsageError } from './errors.ts';
import type { RunIo } from './run-io.ts';
import { scenarioModules } from './scenario-modules.ts';
import { openPlannedDatabase, planRunDatabase } from './open-database.ts';
import { choiceLabel, type DatabaseChoice } from '../stores/registry.ts';
import { runReportDir, writeRunReports } from './out-dir.ts';
import { givenCommandLine, replayCommand } from './replay-command.ts';
import { planScenarioCopies, programFilesOf, rerunScenarios, writeScenarioCopies } from './scenario-copies.ts';
import type { RunRequest } from './request.ts';
import { TOOL } from './tool-info.ts';
import { toolSource } from './tool-source.ts';

/** The copy of the gate's baseline in the report's directory, which its rerun names. */
const BASELINE_COPY = 'baseline.json';

/** What one invocation of reproduce or gate produced: the report's input and where it was written. */
export interface Invocation {
  input: ReportInput;
  /** This run's own report directory, `<out>/<run-id>`; undefined when no files were written. */
  reportDir: string | undefined;
}

export interface InvocationExtras {
  /** False: return the input only (the API without `out`). */
  writeFiles?: boolean;
  /** racelab's arguments as given, the command's name first; none when run from code. */
  commandLine?: readonly string[];
  /**
   * After the stress runs, on the same database: the gate's search of the scenarios whose
   * findings call for one. Not run after an interruption or a broken run.
   */
  search?: (database: Database, choice: DatabaseChoice, ran: readonly RanScenario[]) => Promise<ScenarioSearch[]>;
  /**
   * The gate's baseline: each finding's rate is compared with its entry there, and a rate that
   * moved the wrong way fails. `text` is the stored report as read: the report's directory keeps a
   * copy, `baseline.json`, which its rerun names.
   */
  baseline?: { entries: readonly BaselineEntry[]; alpha: number; text: string };
  /** The command's own options that shape its verdict (the gate's search budget), for the rerun. */
  rerunArgs?: readonly string[];
}

/** A scenario that ran on one database: its module, how the command line named it, and its findings there. */
export interface RanScenario {
  module: string;
  /** The scenario argument as given: a built-in's name or the file's path. */
  argument: string;
  findings: Finding[];
}

/**
 * Runs the chosen scenarios (once, or once per swept value) on each database in turn, and writes
 * report.json, report.md, junit.xml, report.html and report.trac.txt into a directory of this run's
 * own. Verdicts and exit codes are the caller's.
 */
export async function runInvocation(command: string, options: RunRequest, io: RunIo, extras: InvocationExtras = {}): Promise<Invocation> {
  const { writeFiles = true } = extras;
  // The run's own directory is named now: the history streams into it while the run goes.
  const reportDir = runReportDir(options.out);
  const startedAt = new Date();
  const modules = await scenarioModules(options.label('scenario'), options.scenarios);
  // Scenario files are copied beside the reports, and the rerun names the copies.
  const copies = writeFiles ? await planScenarioCopies(options.scenarios) : [];
  const loaded = await Promise.all(modules.map((url) => loadScenario(url)));
  const names = loaded.map((scenario) => scenario.name);
  // racelab neither perturbs a command scenario's processes nor records their ops one by one.
  const commandScenario = loaded.find((scenario) => scenario.command !== undefined);
  if (commandScenario !== undefined && options.config.amplify) {
    throw new UsageError(`${options.label('amplify')}: ${commandScenario.name} is a command scenario, whose processes racelab does not perturb (docs/commands.md): run it without ${options.label('amplify')}`);
  }
  if (commandScenario !== undefined && options.history) {
    throw new UsageError(`${options.label('history')}: ${commandScenario.name} is a command scenario, whose ops racelab does not record one by one (docs/commands.md): run it without ${options.label('history')}`);
  }
  // Made once every option is known good: a refused run leaves no directory behind.
  if (options.history && writeFiles) await mkdir(reportDir, { recursive: true });
  // A command scenario's copy runs its program from the report's directory, where the program's files are not.
  for (const copy of copies) {
    const command = loaded[options.scenarios.indexOf(copy.given)]?.command;
    if (command) copy.programFiles = programFilesOf(copy.given, command);
  }
  const stray = Object.keys(options.expectations).find((name) => !names.includes(name));
  if (stray !== undefined) throw new UsageError(`${options.label('expect')} names ${stray}, which is not among the scenarios run (${names.join(', ')})`);
  // Every database is planned (and a remote one refused) before any starts.
  const plans = [];
  for (const choice of options.db) plans.push({ choice, plan: await planRunDatabase(choice, options.allowRemote, options.label) });
  const list = plans.length > 1;
  const points: ReportPoint[] = [];
  const databases: ReportDatabase[] = [];
  let interrupted = false;
  let failure: string | undefined;
  let setupError: ScenarioSetupError | undefined;
  let searches: ScenarioSearch[] | undefined;
  // The first run's threads start now, while its database starts: both take a few hundred ms.
  const warm = createWorkerPool(threadsAt(options, options.sweep?.values[0]));
  let warmPool: WorkerPool | undefined = warm;
  try {
    for (const { choice, plan } of plans) {
      if (failure !== undefined || setupError !== undefined) break;
      // The first database is opened even when Ctrl-C came first: its start sees the abort and says
      // what it had got to, and the report needs a database to name.
      if (io.signal.aborted && databases.length > 0) break;
      // One database at a time: each is stopped before the next starts, so they never share the machine.
      let database: Database;
      try {
        database = await openPlannedDatabase(plan, io);
      } catch (error) {
        // Alone, a database that cannot start is the command's failure; in a list, the ones before it keep their report.
        if (!list || points.length === 0) throw error;
        failure = `${choiceLabel(choice)}: ${(error as Error).message}`;
        break;
      }
      const described: ReportDatabase = {
        kind: database.kind,
        product: database.product,
        version: database.version,
        defaultIsolation: database.defaultIsolation,
        reason: plan.reason,
        label: choiceLabel(choice),
      };
      databases.push(described);
      const ownFirst = points.length;
      try {
        const values: (number | undefined)[] = options.sweep ? options.sweep.values : [undefined];
        for (const value of values) {
          if (io.signal.aborted || failure !== undefined) break;
          const config = configAt(options, value, database);
          if (value !== undefined) io.progress(`${options.sweep!.parameter} = ${value}`);
          // The warm pool serves the first run only; later runs start theirs, as they did before.
          const pool = warmPool;
          warmPool = undefined;
          const result = await reproduce({
            database,
            ...(pool && { pool }),
            ownStatementsOnly: BUILT_IN_MODULES,
            scenarioModules: modules,
            config,
            expectations: options.expectations,
            signal: io.signal,
            onScenario: ({ name, phase }) => {
              if (phase === 'start') io.progress(`running ${name}${list ? ` on ${described.label}` : ''}…`);
              else io.status(undefined);
            },
            onProgress: (progress) => io.status(progressLine(progress, io.columns)),
            ...(options.history && writeFiles && { history: { dir: reportDir, suffix: historySuffix(options, value, list ? described.label : undefined) } }),
          }).finally(() => pool?.destroy());
          interrupted ||= result.interrupted;
          failure ??= result.failure;
          for (const skipped of result.skipped) io.progress(`skipped ${skipped.name}${list ? ` on ${described.label}` : ''}: ${skipped.reason}`);
          // Chance is reckoned on the ops a scenario ran: fewer than planned when interrupted.
          const ran = Math.max(0, ...result.findings.map((f) => f.ops));
          // Chance's prediction says nothing of an amplified run, whose draws were steered.
          const expectation = config.amplify ? undefined : analyticExpectation(config, options.rate, ran);
          points.push({ ...(value !== undefined && { value }), config, ...(expectation && { expectation }), findings: result.findings, skipped: result.skipped, ...(list && { database: described }) });
        }
        if (extras.search && !io.signal.aborted && failure === undefined && !interrupted) {
          try {
            // Matched by name, never by position: a scenario the database lacks what it needs for
            // was skipped, and has no finding to search after.
            const own = points.slice(ownFirst).flatMap((point) => point.findings);
            const ran = modules
              .map((module, index) => ({ module, argument: options.scenarios[index]!, findings: own.filter((f) => f.scenario.name === names[index]) }))
              .filter((scenario) => scenario.findings.length > 0);
            const found = await extras.search(database, choice, ran);
            searches = [...(searches ?? []), ...found.map((search) => (list ? { ...search, database: described.label } : search))];
          } catch (error) {
            if (error instanceof ExploreInterrupted) interrupted = true;
            else failure ??= `the search broke: ${(error as Error).message}`;
          }
        }
      } catch (error) {
        // A scenario whose setup fails is the scenario's fault: a usage error naming it, after cleanup.
        if (error instanceof ScenarioSetupError) setupError = error;
        else failure ??= `run failed${list ? ` on ${described.label}` : ''}: ${(error as Error).message}`;
      } finally {
        try {
          await database.stop();
        } catch (error) {
          failure ??= (error as Error).message;
        }
      }
    }
  } finally {
    await warm.destroy();
  }
  if (setupError) throw new UsageError(`${options.label('scenario')} ${setupError.message}`);
  // With a list, the databases a broken or interrupted run never got to: the table has no column for them.
  const ranLabels = new Set(databases.map((db) => db.label));
  const notRun = list ? plans.map(({ choice }) => choiceLabel(choice)).filter((label) => !ranLabels.has(label)) : [];
  const facts: Omit<ReportInput, 'decision'> = {
    tool: { ...TOOL, source: toolSource() },
    replayCommand: [
      replayCommand(options, command, rerunScenarios(options.scenarios, copies)),
      ...(extras.rerunArgs ?? []),
      ...(extras.baseline && writeFiles ? [`--baseline ./${BASELINE_COPY} --alpha ${extras.baseline.alpha}`] : []),
    ].join(' '),
    ...(extras.commandLine && { commandLine: givenCommandLine(extras.commandLine) }),
    scenarioFiles: copies,
    database: databases[0]!,
    ...(list && { databases }),
    ...(notRun.length > 0 && { databasesNotRun: notRun }),
    nodeVersion: process.version,
    config: configAsRun(options, points),
    schedule: SCHEDULE,
    scenarioNames: names,
    startedAt,
    ...(options.sweep && { sweep: options.sweep }),
    points: points.filter((point) => point.findings.length > 0 || point.skipped.length > 0),
    interrupted: interrupted || io.signal.aborted,
    ...(failure !== undefined && { failure }),
    ...(searches && { searches }),
  };
  const baseline = extras.baseline && compareWithBaseline(baselineFindings(facts), extras.baseline.entries, extras.baseline.alpha);
  const input: ReportInput = { ...facts, decision: decide(facts, baseline) };
  if (!writeFiles) return { input, reportDir: undefined };
  // Before the reports: `latest` never points at a directory without the files its rerun names.
  await writeScenarioCopies(reportDir, copies);
  await writeRunReports(options.out, reportDir, {
    'report.json': renderJson(input),
    'report.md': renderMarkdown(input),
    'report.trac.txt': renderTrac(input),
    'junit.xml': renderJunit(input),
    'report.html': renderHtml(input),
    ...(extras.baseline && { [BASELINE_COPY]: extras.baseline.text }),
  });
  return { input, reportDir };
}

/** The config as given, at the level the first database ran at when `--isolation` was not given. */
function configAsRun(options: RunRequest, points: readonly ReportPoint[]): RunConfig {
  const first = points[0];
  return first === undefined || options.isolationGiven ? options.config : { ...options.config, isolation: first.config.isolation };
}

/** The config at one point: the swept value, and the database's own first level when `--isolation` was not given. */
function configAt(options: RunRequest, value: number | undefined, database: Database): RunConfig {
  const config = options.isolationGiven ? options.config : { ...options.config, isolation: database.isolations[0]! };
  if (value === undefined || !options.sweep) return config;
  if (options.sweep.parameter === 'key-space') return { ...config, keySpace: value };
  return { ...config, workers: value, threads: threadsAt(options, value) };
}

/** racelab's own scenarios, which send every statement through the op's context. */
const BUILT_IN_MODULES: ReadonlySet<string> = new Set(Object.values(BUILT_IN_SCENARIOS));

/** The threads a run at this swept value (or none) runs on. */
function threadsAt(options: RunRequest, value: number | undefined): number {
  return value !== undefined && options.sweep?.parameter === 'workers' ? threadsFor(value, options.threadsRequested) : options.config.threads;
}

/** What tells one point's history files from another's: the swept value, or the database of a list. */
function historySuffix(options: RunRequest, value: number | undefined, database: string | undefined): string {
  if (value !== undefined) return `-${options.sweep!.parameter}=${value}`;
  return database === undefined ? '' : `-${database.replace(/[^a-zA-Z0-9@.]+/g, '_')}`;
}

/** Each finding with the swept value and database that tell it from the others of its scenario, as a baseline names them. */
function baselineFindings(input: Pick<ReportInput, 'points'>) {
  return allFindings(input).map(({ finding, point }) => ({
    finding,
    ...(point.value !== undefined && { sweepValue: point.value }),
    ...(point.database && { database: point.database.label }),
  }));
}
