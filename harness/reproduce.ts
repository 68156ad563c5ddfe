import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createControlBuffer, RunControl } from './control.ts';
import { toFinding, type Finding } from './finding.ts';
import { loadScenario } from './load-module.ts';
import { liveQuotasFor } from './occupancy.ts';
import { mergeHistories } from './history.ts';
import { createDrawBoard } from './amplify/amplifier.ts';
import { createWindowBuffer, RaceWindows } from './race-windows.ts';
import { nowUs } from './monotonic-clock.ts';
import { newRunId } from './run-id.ts';
import { runAudit, runSetup } from './scenario-hooks.ts';
import type { ThreadTask, WorkerShare } from './protocol.ts';
import { superviseRun } from './supervise-run.ts';
import type { Expectation } from './contract/outcomes.ts';
import type { RunConfig } from './contract/run-config.ts';
import type { AuditProblem } from './contract/scenario.ts';
import type { Database, StoreTarget } from './contract/store.ts';
import { createWorkerPool, type WorkerPool } from './worker-pool.ts';
import { startCommandRun } from './commands/run-commands.ts';
import type { ScenarioRun } from './scenario-run.ts';
import { whyNotOn } from './scenario-kind.ts';

export interface ReproduceRequest {
  database: Database;
  /** URLs of scenario modules, run in this order. */
  scenarioModules: readonly string[];
  config: RunConfig;
  /** Aborting stops the workers after their current op; the result is then marked interrupted. */
  signal?: AbortSignal;
  /** Expectations declared for this run, by scenario name, in place of the scenarios' own. */
  expectations?: Readonly<Record<string, Expectation>>;
  /** Told when each scenario starts and ends, for progress output. */
  onScenario?: (event: { name: string; phase: 'start' | 'end' }) => void;
  /** Told a few times a second how the running scenario is doing. */
  onProgress?: (progress: Progress) => void;
  /**
   * Writes every op of each scenario's run to `<dir>/history-<scenario><suffix>.jsonl` in
   * Jepsen's history shape (history.ts).
   */
  history?: { dir: string; suffix: string };
  /**
   * False leaves the drivers unpatched: the scenario's own code is then neither seen nor counted.
   * Only the interception bench asks for it, as the reference its cost is measured against.
   */
  interceptDrivers?: boolean;
  /**
   * Scenario modules known to send every statement through the op's context (racelab's built-in
   * scenarios): their drivers are left unpatched and their ops run outside an op scope, whose
   * AsyncLocalStorage turns on Node's promise hooks for the whole thread and costs every statement.
   * A scenario file may send through a pool or ORM of its own, and always gets both.
   */
  ownStatementsOnly?: ReadonlySet<string>;
  /**
   * A pool of `config.threads` threads started beforehand, so that their start overlaps the
   * database's. It stays the caller's to destroy; without one, reproduce starts and ends its own.
   */
  pool?: WorkerPool;
}

/** How far the running scenario has got. Violations are the loud ones; the audit comes at the end. */
export interface Progress {
  scenario: string;
  ops: number;
  totalOps: number;
  /** With `--duration`: how long the run lasts; progress is then by time. */
  durationMs?: number;
  violations: number;
  elapsedMs: number;
}

const PROGRESS_INTERVAL_MS = 200;

/** A scenario that did not run because the database lacks what it needs, and the database's reason. */
export interface SkippedScenario {
  name: string;
  reason: string;
}

export interface ReproduceResult {
  findings: Finding[];
  /** Scenarios that need what this database lacks (`ScenarioDefinition.needs`): skipped, not faked. */
  skipped: SkippedScenario[];
  interrupted: boolean;
  /** Why the run stopped before its end, when it broke: one line, the first cause. */
  failure?: string;
}

/** How the scenarios share the machine, stated in every report. */
export const SCHEDULE =
  'sequential: each scenario runs alone on the same warm pool of threads, in a fresh namespace (schema or database), ' +
  'with the same config and seed, so every scenario draws the same keys under the same load';

/**
 * Runs each scenario on a fresh schema with the same workers, config and seed, and returns the
 * findings as values. It decides nothing about exit codes. A run that breaks under it (the
 * database dies, a worker crashes, an op hangs) stops early and says why in `failure`, with what it
 * measured until then; only a pool that cannot start is thrown.
 */
export async function reproduce(request: ReproduceRequest): Promise<ReproduceResult> {
  const { database, config, signal } = request;
  const scenarios = await Promise.all(request.scenarioModules.map((url) => loadScenario(url)));
  const quotas = liveQuotasFor(config);
  const pool = request.pool?.threads === config.threads ? request.pool : createWorkerPool(config.threads);
  const findings: Finding[] = [];
  const skipped: SkippedScenario[] = [];
  let failure: string | undefined;
  try {
    for (const [index, scenario] of scenarios.entries()) {
      if (signal?.aborted || failure !== undefined) break;
      const { command } = scenario;
      const lacking = whyNotOn(scenario, database);
      if (lacking !== undefined) {
        skipped.push({ name: scenario.name, reason: lacking });
        continue;
      }
      request.onScenario?.({ name: scenario.name, phase: 'start' });
      let target: StoreTarget;
      try {
        target = await database.createRunSchema(newRunId());
      } catch (error) {
        failure = `could not create the run's schema: ${(error as Error).message}`;
        break;
      }
      try {
        await runSetup(database, target, scenario, request.scenarioModules[index]!);
      } catch (error) {
        await database.dropRunSchema(target).catch(() => undefined);
        throw error;
      }
      const historyPart = (worker: number) => join(request.history!.dir, `.history-${target.schema}-w${worker + 1}.part`);
      try {
        // A command scenario's program sets up (its migrations) and starts its processes: they are the run.
        const run =
          command !== undefined
            ? await startCommandRun({ name: scenario.name, command, scenarioModule: request.scenarioModules[index]!, target, config, wireProxy: database.wireProxy!.bind(database), ...(signal && { signal }) })
            : startThreadRun(request, request.scenarioModules[index]!, target, quotas, pool, historyPart);
        const started = performance.now();
        const report = () => {
          const { ops, violations } = run.progress();
          const totalOps = config.workers * config.opsPerWorker;
          const duration = config.durationMs === undefined ? {} : { durationMs: config.durationMs };
          request.onProgress?.({ scenario: scenario.name, ops, totalOps, violations, elapsedMs: performance.now() - started, ...duration });
        };
        const ticker = request.onProgress ? setInterval(report, PROGRESS_INTERVAL_MS) : undefined;
        const { reports, windows } = await run.done.finally(() => clearInterval(ticker));
        if (request.onProgress) report();
        if (request.history) {
          const parts = quotas.map((_, worker) => historyPart(worker)).filter((path) => existsSync(path));
          await mergeHistories(parts, join(request.history.dir, `history-${scenario.name}${request.history.suffix}.jsonl`));
        }
        let problems: AuditProblem[] = [];
        let auditFailure: string | undefined;
        try {
          problems = await runAudit(database, target, scenario);
        } catch (error) {
          auditFailure = `its audit hook failed: ${firstLine((error as Error).message)}`;
        }
        const finding = toFinding(scenario, reports, {
          configured: config.isolation,
          family: database.family,
          windows,
          ...(request.expectations?.[scenario.name] && { declared: request.expectations[scenario.name] }),
          problems,
          ...(auditFailure !== undefined && { auditFailure }),
        });
        findings.push(finding);
        if (finding.brokenBy !== undefined) failure ??= `${scenario.name}: ${finding.brokenBy}`;
      } finally {
        try {
          await database.dropRunSchema(target);
        } catch (error) {
          failure ??= `could not drop schema ${target.schema}: ${(error as Error).message}`;
        }
      }
      request.onScenario?.({ name: scenario.name, phase: 'end' });
    }
  } finally {
    if (pool !== request.pool) await pool.destroy();
  }
  return { findings, skipped, interrupted: signal?.aborted ?? false, ...(failure !== undefined && { failure }) };
}

/**
 * An op scenario's run on the pool's threads, each carrying its share of the workers, with the run's
 * control block and table of key holds shared among them.
 */
function startThreadRun(request: ReproduceRequest, scenarioModule: string, target: StoreTarget, quotas: readonly number[], pool: WorkerPool, historyPart: (worker: number) => string): ScenarioRun {
  const { config, signal } = request;
  const control = createControlBuffer(config.workers);
  const runControl = new RunControl(control);
  const windows = createWindowBuffer(config.workers, config.opsPerWorker);
  const drawBoard = config.amplify ? createDrawBoard(config.workers) : undefined;
  const zeroUs = nowUs();
  const tasks = threadTasks(config, quotas).map(
    (shares): ThreadTask => ({
      scenarioModule,
      storeModule: request.database.storeModule,
      target,
      config,
      workers: shares.map((share) => (request.history ? { ...share, historyPath: historyPart(share.worker) } : share)),
      control,
      windows,
      ...(drawBoard && { drawBoard }),
      ...(request.history && { historyZeroUs: zeroUs }),
      ...((request.interceptDrivers === false || request.ownStatementsOnly?.has(scenarioModule)) && { interceptDrivers: false }),
    }),
  );
  return {
    progress: () => runControl.progress(),
    done: superviseRun(pool, runControl, tasks, { opTimeoutMs: config.opTimeoutMs, ...(signal && { signal }) }).then((reports) => ({ reports, windows: new RaceWindows(windows).count() })),
  };
}

/**
 * The workers each thread carries: worker `w` runs on thread `w mod threads`, so the threads'
 * loads differ by one worker at most, as pgbench spreads `-c` clients over `-j` threads.
 */
function threadTasks(config: Pick<RunConfig, 'workers' | 'threads'>, quotas: readonly number[]): WorkerShare[][] {
  const threads = Math.min(config.threads, config.workers);
  const shares: WorkerShare[][] = Array.from({ length: threads }, () => []);
  quotas.forEach((liveQuota, worker) => shares[worker % threads]!.push({ worker, liveQuota }));
  return shares;
}

function firstLine(text: string): string {
  return text.split('\n')[0]!;
}

