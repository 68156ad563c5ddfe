/**
 * The worker thread: a thin loop that loads its scenario and store by module URL, runs its ops,
 * audits the sessions it was told it saved, and answers with counts and a bounded sample. No
 * exception escapes it: every way a worker can end becomes part of its report.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { RunControl } from './control.ts';
import { toErrorRecord } from './error-record.ts';
import { LiveSessions } from './live-sessions.ts';
import { loadScenario, loadStoreOpener } from './load-module.ts';
import { WorkerOpContext } from './op-context.ts';
import type { WorkerReport, WorkerTask } from './protocol.ts';
import { keyDrawerFor } from './key-modes.ts';
import { RecordingStore } from './recording-store.ts';
import { runOneOp } from './run-op.ts';
import { OpWatchdog } from './op-watchdog.ts';
import { LOUD_VIOLATIONS, type Outcome, type Scenario, type SessionStore } from './types.ts';
import { WorkerTally } from './worker-tally.ts';

const START_TIMEOUT_MS = 30_000;
const CLOSE_BUDGET_MS = 1_000;
/** Statements each worker records with their timings: the first collisions fall within them. */
const RECORDED_STEPS = 4_096;
/** How long a worker that is done waits for the slowest before the final audit. */
const FINISH_TIMEOUT_MS = 10 * 60_000;

export default async function runWorker(task: WorkerTask): Promise<WorkerReport> {
  const control = new RunControl(task.control);
  const tally = new WorkerTally(task.worker);
  const { report } = tally;
  const parties = task.config.workers;
  let store: SessionStore | undefined;
  let atFinish = false;
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
      // wait out the start barrier's budget.
      control.requestStop();
      return report;
    }
    if (!control.arriveAndWait('start', parties, START_TIMEOUT_MS)) {
      const message = `start barrier: ${control.arrivals('start')} of ${parties} workers arrived within ${START_TIMEOUT_MS} ms`;
      report.failure = { phase: 'barrier', error: { message } };
      return report;
    }
    tally.start();
    const recording = new RecordingStore(store, task.worker, RECORDED_STEPS);
    const live = new LiveSessions(recording, task.liveQuota, tally);
    await runOps(task, control, scenario, recording, live, tally);
    report.steps = recording.events;

    atFinish = true;
    if (!control.arriveAndWait('finish', parties, FINISH_TIMEOUT_MS)) {
      const message = `finish barrier: ${control.arrivals('finish')} of ${parties} workers finished within ${FINISH_TIMEOUT_MS} ms; the final audit was skipped`;
      report.failure = { phase: 'audit', error: { message } };
      return report;
    }
    // After an op that may or may not have committed, this connection is not to be trusted.
    if (report.outcomes.indeterminate > 0) return report;
    try {
      await live.auditAll();
    } catch (thrown) {
      report.failure = { phase: 'audit', error: toErrorRecord(thrown) };
    }
    return report;
  } finally {
    // Every path counts in at the finish barrier, or the others would wait for this worker.
    if (!atFinish) control.arrive('finish');
    // A connection that died, or still runs an abandoned statement, may never close cleanly.
    if (store) await Promise.race([store.close().catch(() => undefined), delay(CLOSE_BUDGET_MS, undefined, { ref: false })]);
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
  const ctx = new WorkerOpContext(store, keyDrawerFor(config, worker), config.maxDraws, worker, config.isolation);
  store.position = ctx;
  const watchdog = new OpWatchdog(config.opTimeoutMs, scenario.name);
  try {
    for (let op = 0; op < config.opsPerWorker && !control.stopRequested; op++) {
      const outcome = await runOneOp(scenario, ctx, store, config, op, live, tally, watchdog);
      control.opDone(worker, (LOUD_VIOLATIONS as readonly Outcome[]).includes(outcome));
      if (outcome === 'indeterminate') {
        // The connection was lost or an op hung: nothing more this worker does can be trusted, and
        // the others are stopped too, so the run ends promptly with what it measured.
        control.requestStop();
        break;
      }
      try {
        await live.expireBeyondQuota();
      } catch (thrown) {
        report.failure = { phase: 'expire', error: toErrorRecord(thrown) };
        control.requestStop();
        break;
      }
    }
  } finally {
    watchdog.stop();
  }
  report.elapsedMs = tally.now();
}
