/**
 * The worker thread: a thin loop that loads its scenario and store by module URL, runs its ops,
 * and answers with counts and a bounded sample. No exception escapes it: every way a worker can
 * end becomes part of its report.
 */
import { classifyError } from './classify.ts';
import { RunControl } from './control.ts';
import { toErrorRecord } from './error-record.ts';
import { loadScenario, loadStoreOpener } from './load-module.ts';
import type { WorkerReport, WorkerTask } from './protocol.ts';
import { deriveSeed, seededRandom } from './random.ts';
import { keyDrawer } from './session-keys.ts';
import { WorkerOpContext } from './op-context.ts';
import { OUTCOMES, type ErrorRecord, type Outcome, type OutcomeCounts, type Scenario, type SessionRow, type SessionStore } from './types.ts';

/** Failing ops kept per outcome per worker: enough for evidence, flat in memory. */
const SAMPLES_PER_OUTCOME = 3;
const BARRIER_TIMEOUT_MS = 30_000;

export default async function runWorker(task: WorkerTask): Promise<WorkerReport> {
  const report: WorkerReport = {
    worker: task.worker,
    ops: 0,
    outcomes: Object.fromEntries(OUTCOMES.map((outcome) => [outcome, 0])) as OutcomeCounts,
    retries: 0,
    draws: 0,
    samples: [],
    elapsedMs: 0,
  };
  const control = new RunControl(task.control);
  let store: SessionStore | undefined;
  try {
    let phase: 'load' | 'connect' = 'load';
    let scenario: Scenario;
    try {
      scenario = await loadScenario(task.scenarioModule);
      const openStore = await loadStoreOpener(task.storeModule);
      phase = 'connect';
      store = await openStore(task.target);
    } catch (thrown) {
      report.failure = { phase, error: toErrorRecord(thrown) };
      // The run cannot be whole without this worker: stop the others rather than let them
      // wait out the barrier's budget.
      control.requestStop();
      return report;
    }
    if (!control.arriveAndWait(task.config.workers, BARRIER_TIMEOUT_MS)) {
      const message = `start barrier: ${control.arrivals} of ${task.config.workers} workers arrived within ${BARRIER_TIMEOUT_MS} ms`;
      report.failure = { phase: 'barrier', error: { message } };
      return report;
    }
    await runOps(task, control, scenario, store, report);
    return report;
  } finally {
    await store?.close().catch(() => undefined);
  }
}

async function runOps(
  task: WorkerTask,
  control: RunControl,
  scenario: Scenario,
  store: SessionStore,
  report: WorkerReport,
): Promise<void> {
  const { config, worker } = task;
  const draw = keyDrawer(config.keySpace, seededRandom(deriveSeed(config.seed, worker)));
  const live: SessionRow[] = [];
  const samplesTaken = new Map<Outcome, number>();
  const started = performance.now();

  const keep = (outcome: Outcome, op: number, key: string | undefined, error: ErrorRecord) => {
    report.outcomes[outcome]++;
    const taken = samplesTaken.get(outcome) ?? 0;
    if (taken >= SAMPLES_PER_OUTCOME) return;
    samplesTaken.set(outcome, taken + 1);
    const sample = { outcome, scenario: scenario.name, worker, op, atMs: performance.now() - started, error };
    report.samples.push(key === undefined ? sample : { ...sample, key });
  };

  const ctx = new WorkerOpContext(store, draw, config.maxDraws, worker);
  for (let op = 0; op < config.opsPerWorker && !control.stopRequested; op++) {
    ctx.begin(op);
    report.ops++;
    try {
      const result = await scenario.op(ctx);
      if ('saved' in result) {
        report.outcomes.ok++;
        live.push(result.saved);
      } else {
        keep('key_space_exhausted', op, ctx.lastKey, {
          message: `no free session key after ${result.exhausted.draws} draws from a key space of ${config.keySpace}`,
        });
      }
    } catch (thrown) {
      const error = toErrorRecord(thrown);
      keep(classifyError(error), op, ctx.lastKey, error);
    } finally {
      report.draws += ctx.draws;
      report.retries += ctx.retries;
    }
    try {
      // Sessions expire as in production, so the key space stays near its target occupancy.
      while (live.length > task.liveQuota) await store.deleteOwned(live.shift()!);
    } catch (thrown) {
      report.failure = { phase: 'expire', error: toErrorRecord(thrown) };
      control.requestStop();
      break;
    }
  }
  report.elapsedMs = performance.now() - started;
}
