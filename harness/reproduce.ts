import { createControlBuffer, RunControl } from './control.ts';
import { toFinding, type Finding } from './finding.ts';
import { loadScenario } from './load-module.ts';
import { liveQuotasFor } from './occupancy.ts';
import { newRunId } from './run-id.ts';
import type { WorkerTask } from './protocol.ts';
import type { Database, Expectation, RunConfig } from './types.ts';
import { createWorkerPool } from './worker-pool.ts';

export interface ReproduceRequest {
  database: Database;
  /** URLs of scenario modules, run in this order. */
  scenarioModules: readonly string[];
  /** URL of the store module the workers open their sessions with. */
  storeModule: string;
  config: RunConfig;
  /** Aborting stops the workers after their current op; the result is then marked interrupted. */
  signal?: AbortSignal;
  /** Expectations declared for this run, by scenario name, in place of the scenarios' own. */
  expectations?: Readonly<Record<string, Expectation>>;
  /** Told when each scenario starts and ends, for progress output. */
  onScenario?: (event: { name: string; phase: 'start' | 'end' }) => void;
  /** Told a few times a second how the running scenario is doing. */
  onProgress?: (progress: Progress) => void;
}

/** How far the running scenario has got. Violations are the loud ones; the audit comes at the end. */
export interface Progress {
  scenario: string;
  ops: number;
  totalOps: number;
  violations: number;
  elapsedMs: number;
}

const PROGRESS_INTERVAL_MS = 200;

export interface ReproduceResult {
  findings: Finding[];
  /** How the scenarios shared the machine, stated in every report. */
  schedule: string;
  interrupted: boolean;
}

export const SCHEDULE =
  'sequential: each scenario runs alone on the same warm pool of worker threads, in a fresh schema, ' +
  'with the same config and seed, so every scenario draws the same keys under the same load';

/**
 * Runs each scenario on a fresh schema with the same workers, config and seed, and returns the
 * findings as values. It decides nothing about exit codes; infrastructure failures (a schema that
 * cannot be created, a pool that cannot start) are thrown.
 */
export async function reproduce(request: ReproduceRequest): Promise<ReproduceResult> {
  const { database, config, signal } = request;
  const scenarios = await Promise.all(request.scenarioModules.map((url) => loadScenario(url)));
  const quotas = liveQuotasFor(config);
  const pool = createWorkerPool(config.workers);
  const findings: Finding[] = [];
  try {
    for (const [index, scenario] of scenarios.entries()) {
      if (signal?.aborted) break;
      request.onScenario?.({ name: scenario.name, phase: 'start' });
      const target = await database.createRunSchema(newRunId());
      const control = createControlBuffer(config.workers);
      const stop = () => new RunControl(control).requestStop();
      signal?.addEventListener('abort', stop);
      // An abort while the schema was being created fired no listener yet.
      if (signal?.aborted) stop();
      try {
        const tasks = quotas.map(
          (liveQuota, worker): WorkerTask => ({
            scenarioModule: request.scenarioModules[index]!,
            storeModule: request.storeModule,
            target,
            config,
            worker,
            liveQuota,
            control,
          }),
        );
        const started = performance.now();
        const report = () => {
          const { ops, violations } = new RunControl(control).progress();
          const totalOps = config.workers * config.opsPerWorker;
          request.onProgress?.({ scenario: scenario.name, ops, totalOps, violations, elapsedMs: performance.now() - started });
        };
        const ticker = request.onProgress ? setInterval(report, PROGRESS_INTERVAL_MS) : undefined;
        const reports = await Promise.all(tasks.map((task) => pool.run(task))).finally(() => clearInterval(ticker));
        if (request.onProgress) report();
        findings.push(toFinding(scenario, reports, config.isolation, request.expectations?.[scenario.name]));
      } finally {
        signal?.removeEventListener('abort', stop);
        await database.dropRunSchema(target);
      }
      request.onScenario?.({ name: scenario.name, phase: 'end' });
    }
  } finally {
    await pool.destroy();
  }
  return { findings, schedule: SCHEDULE, interrupted: signal?.aborted ?? false };
}
