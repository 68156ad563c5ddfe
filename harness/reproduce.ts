import { createControlBuffer, RunControl } from './control.ts';
import { toFinding, type Finding } from './finding.ts';
import { loadScenario } from './load-module.ts';
import { liveQuotasFor } from './occupancy.ts';
import { newRunId } from './run-id.ts';
import type { WorkerTask } from './protocol.ts';
import type { Database, RunConfig } from './types.ts';
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
  /** Told when each scenario starts and ends, for progress output. */
  onScenario?: (event: { name: string; phase: 'start' | 'end' }) => void;
}

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
      const control = createControlBuffer();
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
        const reports = await Promise.all(tasks.map((task) => pool.run(task)));
        findings.push(toFinding(scenario, reports, config.isolation));
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
