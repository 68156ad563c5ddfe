/**
 * The worker thread: a thin loop that loads its scenario and store by module URL, runs its ops,
 * audits the sessions it was told it saved, and answers with counts and a bounded sample. Every
 * error its own code meets becomes part of its report. What it cannot catch (an exception thrown
 * from a scenario's timer callback, a synchronous loop) the engine sees from outside: the phase
 * and the deadlines it keeps in the run's shared memory (control.ts) say where it was.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { threadId } from 'node:worker_threads';
import { Phase, RunControl } from './control.ts';
import { toErrorRecord } from './error-record.ts';
import { LiveSessions } from './live-sessions.ts';
import { loadScenario, loadStoreOpener } from './load-module.ts';
import { WorkerOpContext } from './op-context.ts';
import type { WorkerReport, WorkerTask } from './protocol.ts';
import { keyDrawerFor } from './key-modes.ts';
import { RaceWindows } from './race-windows.ts';
import { nowUs, RecordingStore } from './recording-store.ts';
import { WorkerHistory } from './history.ts';
import { runOneOp } from './run-op.ts';
import { OpWatchdog } from './op-watchdog.ts';
import { LOUD_VIOLATIONS, type Outcome, type RunConfig, type Scenario, type StoreConnection } from './types.ts';
import { WorkerTally } from './worker-tally.ts';

/** How long loading the scenario and the store and connecting may take. */
function startupBudgetMs(config: RunConfig): number {
  return Math.max(5_000, config.opTimeoutMs);
}
const START_TIMEOUT_MS = 30_000;
const CLOSE_BUDGET_MS = 1_000;
/** Statements each worker records with their timings: the first collisions fall within them. */
const RECORDED_STEPS = 4_096;
/**
 * How long a worker that is done waits for the slowest before the final audit. A worker that dies
 * or stops answering is marked gone and never waited for, so this only bounds a run whose ops are
 * all slow but still finishing.
 */
const FINISH_TIMEOUT_MS = 10 * 60_000;

/** The budget of the final audit: a few reads of the sessions still live. */
function auditBudgetMs(config: RunConfig): number {
  return Math.max(30_000, config.opTimeoutMs);
}

export default async function runWorker(task: WorkerTask): Promise<WorkerReport> {
  const control = new RunControl(task.control);
  const { worker } = task;
  const tally = new WorkerTally(worker);
  const { report } = tally;
  let store: StoreConnection | undefined;
  let atFinish = false;
  control.hello(worker, threadId, startupBudgetMs(task.config));
  try {
    let phase: 'load' | 'connect' = 'load';
    let scenario: Scenario;
    try {
      scenario = await loadScenario(task.scenarioModule);
      const openStore = await loadStoreOpener(task.storeModule);
      phase = 'connect';
      control.enter(worker, Phase.Connect, startupBudgetMs(task.config));
      store = await openStore(task.target);
    } catch (thrown) {
      report.failure = { phase, cause: 'error', error: toErrorRecord(thrown) };
      // The run cannot be whole without this worker: stop the others rather than let them
      // wait out the start barrier's budget.
      control.requestStop();
      return report;
    }
    if (!control.arriveAndWait(worker, 'start', START_TIMEOUT_MS)) {
      const message = `start barrier: ${control.arrivals('start')} of ${control.workers} workers arrived within ${START_TIMEOUT_MS} ms`;
      report.failure = { phase: 'start-barrier', cause: 'error', error: { message } };
      control.requestStop();
      return report;
    }
    control.enter(worker, Phase.Run);
    tally.start();
    const recording = new RecordingStore(store, worker, RECORDED_STEPS);
    const live = new LiveSessions(recording, task.liveQuota, tally);
    const history = task.history && new WorkerHistory(task.history.path, worker, task.history.zeroUs);
    recording.history = history;
    try {
      await runOps(task, control, scenario, recording, live, tally);
    } finally {
      // The final audit's reads are no op of the run.
      recording.history = undefined;
      history?.close();
    }
    report.steps = recording.events;

    atFinish = true;
    if (!control.arriveAndWait(worker, 'finish', FINISH_TIMEOUT_MS)) {
      const message = `finish barrier: ${control.arrivals('finish')} of ${control.workers} workers finished within ${FINISH_TIMEOUT_MS} ms; the final audit was skipped`;
      report.failure = { phase: 'finish-barrier', cause: 'error', error: { message } };
      return report;
    }
    // After an op that may or may not have committed, this connection is not to be trusted.
    if (report.outcomes.indeterminate > 0) return report;
    control.enter(worker, Phase.Audit, auditBudgetMs(task.config));
    try {
      await live.auditAll();
    } catch (thrown) {
      report.failure = { phase: 'audit', cause: 'error', error: toErrorRecord(thrown) };
    }
    return report;
  } finally {
    // Every path counts in at the finish barrier, or the others would wait for this worker.
    if (!atFinish) control.enter(worker, Phase.FinishBarrier);
    // A connection that died, or still runs an abandoned statement, may never close cleanly.
    if (store) await Promise.race([store.close().catch(() => undefined), delay(CLOSE_BUDGET_MS, undefined, { ref: false })]);
    control.enter(worker, Phase.Done);
  }
}

async function runOps(
  task: WorkerTask,
  control: RunControl,
  scenario: Scenario,
  store: RecordingStore,
  live: LiveSessions,
  tally: WorkerTally,
): Promise<void> {
  const { config, worker } = task;
  const { report } = tally;
  const ctx = new WorkerOpContext(store, keyDrawerFor(config, worker), config.maxAttempts, worker, config.isolation);
  store.position = ctx;
  const watchdog = new OpWatchdog(config.opTimeoutMs, scenario.name);
  const windows = new RaceWindows(task.windows);
  try {
    // `--duration`: ops until the time is up, counted from the release at the start barrier.
    const stopAt = config.durationMs === undefined ? Number.POSITIVE_INFINITY : performance.now() + config.durationMs;
    for (let op = 0; op < config.opsPerWorker && !control.stopRequested && performance.now() < stopAt; op++) {
      // The op and the expiry after it: past this deadline and a grace, a thread that has not
      // moved on is not answering, and the engine terminates it.
      control.opStarted(worker, op, config.opTimeoutMs);
      store.lastError = undefined;
      store.history?.invoke(op, nowUs());
      const outcome = await runOneOp(scenario, ctx, store, config, op, live, tally, watchdog);
      store.history?.complete(op, outcome, nowUs(), outcome === 'ok' ? undefined : store.lastError);
      control.opDone(worker, (LOUD_VIOLATIONS as readonly Outcome[]).includes(outcome));
      store.holds.closeInto(windows, worker, op);
      if (outcome === 'indeterminate') {
        // The connection was lost or an op hung: nothing more this worker does can be trusted, and
        // the others are stopped too, so the run ends promptly with what it measured.
        control.requestStop();
        break;
      }
      try {
        store.history?.invoke(op, nowUs(), 'expire');
        await live.expireBeyondQuota();
        store.history?.complete(op, 'ok', nowUs());
        // The expiry's deletes are holds too: a delete racing another op's check is a window.
        store.holds.closeInto(windows, worker, op);
      } catch (thrown) {
        report.failure = { phase: 'expire', cause: 'error', op: op + 1, error: toErrorRecord(thrown) };
        control.requestStop();
        break;
      }
    }
  } finally {
    watchdog.stop();
  }
  report.elapsedMs = tally.now();
}
