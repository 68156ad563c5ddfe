import { analyticExpectation } from '../harness/analytic.ts';
import { loadScenario } from '../harness/load-module.ts';
import { reproduce, SCHEDULE } from '../harness/reproduce.ts';
import { ScenarioSetupError } from '../harness/scenario-hooks.ts';
import { allFindings, type ReportInput, type ReportPoint } from '../harness/report-input.ts';
import type { RunConfig } from '../harness/types.ts';
import { renderHtml } from '../reports/html.ts';
import { renderJson } from '../reports/json.ts';
import { renderJunit } from '../reports/junit.ts';
import { renderMarkdown } from '../reports/markdown.ts';
import { progressLine } from '../reports/progress-line.ts';
import { SESSION_STORE } from '../stores/postgres/index.ts';
import { UsageError } from './cli-errors.ts';
import type { CommandIo } from './commands/command.ts';
import { scenarioModules } from './scenario-modules.ts';
import { openCommandDatabase } from './open-database.ts';
import { writeReports } from './out-dir.ts';
import { replayCommand } from './replay-command.ts';
import type { ReproduceOptions } from './reproduce-options.ts';
import { TOOL } from './tool-info.ts';

/** What one invocation of reproduce or gate produced: the report's input and where it was written. */
export interface Invocation {
  input: ReportInput;
  reportDir: string;
}

/**
 * Runs the chosen scenarios (once, or once per swept value) on one database, and writes
 * report.json, report.md, junit.xml and report.html. Verdicts and exit codes are the caller's.
 */
export async function runInvocation(command: string, options: ReproduceOptions, io: CommandIo, writeFiles = true): Promise<Invocation> {
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
  try {
    const values: (number | undefined)[] = options.sweep ? options.sweep.values : [undefined];
    for (const value of values) {
      if (io.signal.aborted || failure !== undefined) break;
      const config = configAt(options, value);
      if (value !== undefined) io.progress(`${options.sweep!.parameter} = ${value}`);
      const result = await reproduce({
        database,
        scenarioModules: modules,
        storeModule: SESSION_STORE,
        config,
        expectations: options.expectations,
        signal: io.signal,
        onScenario: ({ name, phase }) => {
          if (phase === 'start') io.progress(`running ${name}…`);
          else io.status(undefined);
        },
        onProgress: (progress) => io.status(progressLine(progress)),
      });
      interrupted ||= result.interrupted;
      failure ??= result.failure;
      points.push({ ...(value !== undefined && { value }), config, expectation: analyticExpectation(config, options.rate), findings: result.findings });
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
    database: { kind: database.kind, version: database.version, reason: plan.reason },
    nodeVersion: process.version,
    config: options.config,
    schedule: SCHEDULE,
    startedAt,
    ...(options.sweep && { sweep: options.sweep }),
    points: points.filter((point) => point.findings.length > 0),
    interrupted: interrupted || io.signal.aborted,
    ...(failure !== undefined && { failure }),
  };
  if (writeFiles) await writeReports(options.out, {
    'report.json': renderJson(input),
    'report.md': renderMarkdown(input),
    'junit.xml': renderJunit(input),
    'report.html': renderHtml(input),
  });
  return { input, reportDir: options.out };
}

function configAt(options: ReproduceOptions, value: number | undefined): RunConfig {
  if (value === undefined || !options.sweep) return options.config;
  return options.sweep.parameter === 'key-space' ? { ...options.config, keySpace: value } : { ...options.config, workers: value };
}

/** Findings that carry no trustworthy verdict: a worker failed, or ops failed for reasons that are not races. */
export function taintedFindings(input: ReportInput) {
  return allFindings(input)
    .map(({ finding }) => finding)
    .filter((f) => f.workerFailures.length > 0 || f.outcomes.error > 0 || f.outcomes.indeterminate > 0);
}
