import { mkdir } from 'node:fs/promises';
import { analyticExpectation } from '../harness/analytic.ts';
import { loadScenario } from '../harness/load-module.ts';
import { reproduce, SCHEDULE } from '../harness/reproduce.ts';
import { threadsFor } from '../harness/thread-count.ts';
import { ScenarioSetupError } from '../harness/scenario-hooks.ts';
import { allFindings, type ReportInput, type ReportPoint } from '../harness/report-input.ts';
import type { Database, RunConfig } from '../harness/types.ts';
import type { Finding } from '../harness/finding.ts';
import { ExploreInterrupted } from '../harness/explore/harness-failure.ts';
import type { ScenarioSearch } from '../harness/explore/search-scenarios.ts';
import { renderTrac } from '../reports/trac.ts';
import { renderHtml } from '../reports/html.ts';
import { renderJson } from '../reports/json.ts';
import { renderJunit } from '../reports/junit.ts';
import { renderMarkdown } from '../reports/markdown.ts';
import { progressLine } from '../reports/progress-line.ts';
import { UsageError } from './cli-errors.ts';
import type { CommandIo } from './commands/command.ts';
import { scenarioModules } from './scenario-modules.ts';
import { openCommandDatabase } from './open-database.ts';
import { runReportDir, writeRunReports } from './out-dir.ts';
import { replayCommand } from './replay-command.ts';
import type { ReproduceOptions } from './reproduce-options.ts';
import { TOOL } from './tool-info.ts';

/** What one invocation of reproduce or gate produced: the report's input and where it was written. */
export interface Invocation {
  input: ReportInput;
  /** This run's own report directory, `<out>/<run-id>`; undefined when no files were written. */
  reportDir: string | undefined;
}

export interface InvocationExtras {
  /** False: return the input only (the API without `out`). */
  writeFiles?: boolean;
  /**
   * After the stress runs, on the same database: the gate's search of the scenarios whose
   * findings call for one. Not run after an interruption or a broken run.
   */
  search?: (database: Database, modules: readonly string[], findings: readonly Finding[]) => Promise<ScenarioSearch[]>;
}

/**
 * Runs the chosen scenarios (once, or once per swept value) on one database, and writes
 * report.json, report.md, junit.xml, report.html and report.trac.txt into a directory of this run's
 * own. Verdicts and exit codes are the caller's.
 */
export async function runInvocation(command: string, options: ReproduceOptions, io: CommandIo, extras: InvocationExtras = {}): Promise<Invocation> {
  const { writeFiles = true } = extras;
  // The run's own directory is named now: the history streams into it while the run goes.
  const reportDir = runReportDir(options.out);
  if (options.history && writeFiles) await mkdir(reportDir, { recursive: true });
  const startedAt = new Date();
  const modules = await scenarioModules('--scenario', options.scenarios);
  const names = await Promise.all(modules.map(async (url) => (await loadScenario(url)).name));
  const stray = Object.keys(options.expectations).find((name) => !names.includes(name));
  if (stray !== undefined) throw new UsageError(`--expect names ${stray}, which is not among the scenarios run (${names.join(', ')})`);
  const { plan, database } = await openCommandDatabase(options.db, io, options.allowRemote);
  const points: ReportPoint[] = [];
  let interrupted = false;
  let failure: string | undefined;
  let setupError: ScenarioSetupError | undefined;
  let searches: ScenarioSearch[] | undefined;
  try {
    const values: (number | undefined)[] = options.sweep ? options.sweep.values : [undefined];
    for (const value of values) {
      if (io.signal.aborted || failure !== undefined) break;
      const config = configAt(options, value);
      if (value !== undefined) io.progress(`${options.sweep!.parameter} = ${value}`);
      const result = await reproduce({
        database,
        scenarioModules: modules,
        config,
        expectations: options.expectations,
        signal: io.signal,
        onScenario: ({ name, phase }) => {
          if (phase === 'start') io.progress(`running ${name}…`);
          else io.status(undefined);
        },
        onProgress: (progress) => io.status(progressLine(progress, io.columns)),
        ...(options.history && writeFiles && { history: { dir: reportDir, suffix: value === undefined ? '' : `-${options.sweep!.parameter}=${value}` } }),
      });
      interrupted ||= result.interrupted;
      failure ??= result.failure;
      // Chance is reckoned on the ops a scenario ran: fewer than planned when interrupted.
      const ran = Math.max(0, ...result.findings.map((f) => f.ops));
      const expectation = analyticExpectation(config, options.rate, ran);
      points.push({ ...(value !== undefined && { value }), config, expectation, findings: result.findings });
    }
    if (extras.search && !io.signal.aborted && failure === undefined && !interrupted) {
      try {
        searches = await extras.search(database, modules, points.flatMap((point) => point.findings));
      } catch (error) {
        if (error instanceof ExploreInterrupted) interrupted = true;
        else failure ??= `the search broke: ${(error as Error).message}`;
      }
    }
  } catch (error) {
    // A scenario whose setup fails is the scenario's fault: a usage error naming it, after cleanup.
    if (error instanceof ScenarioSetupError) setupError = error;
    else failure ??= `run failed: ${(error as Error).message}`;
  } finally {
    try {
      await database.stop();
    } catch (error) {
      failure ??= (error as Error).message;
    }
  }
  if (setupError) throw new UsageError(`--scenario ${setupError.message}`);
  const input: ReportInput = {
    tool: TOOL,
    replayCommand: replayCommand(options, command),
    database: { kind: database.kind, product: database.product, version: database.version, defaultIsolation: database.defaultIsolation, reason: plan.reason },
    nodeVersion: process.version,
    config: options.config,
    schedule: SCHEDULE,
    startedAt,
    ...(options.sweep && { sweep: options.sweep }),
    points: points.filter((point) => point.findings.length > 0),
    interrupted: interrupted || io.signal.aborted,
    ...(failure !== undefined && { failure }),
    ...(searches && { searches }),
  };
  if (!writeFiles) return { input, reportDir: undefined };
  await writeRunReports(options.out, reportDir, {
    'report.json': renderJson(input),
    'report.md': renderMarkdown(input),
    'report.trac.txt': renderTrac(input),
    'junit.xml': renderJunit(input),
    'report.html': renderHtml(input),
  });
  return { input, reportDir };
}

function configAt(options: ReproduceOptions, value: number | undefined): RunConfig {
  if (value === undefined || !options.sweep) return options.config;
  if (options.sweep.parameter === 'key-space') return { ...options.config, keySpace: value };
  return { ...options.config, workers: value, threads: threadsFor(value, options.threadsRequested) };
}

/** Findings that carry no trustworthy verdict: a worker failed, or ops failed for reasons that are not races. */
export function taintedFindings(input: ReportInput) {
  return allFindings(input)
    .map(({ finding }) => finding)
    .filter((f) => f.workerFailures.length > 0 || f.outcomes.error > 0 || f.outcomes.indeterminate > 0);
}
