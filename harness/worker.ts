/**
 * The worker thread: a thin loop that loads its scenario and store by module URL, connects each of
 * the workers it carries (worker-client.ts), runs their ops side by side, audits the sessions each
 * was told it saved, and answers with one report per worker: counts and a bounded sample. Every
 * error its own code meets becomes part of a report. What it cannot catch (an exception thrown
 * from a scenario's timer callback, a synchronous loop) the engine sees from outside: the phase
 * and the deadlines each worker keeps in the run's shared memory (control.ts) say where it was.
 */
import { threadId } from 'node:worker_threads';
import { Phase, RunControl } from './control.ts';
import { toErrorRecord } from './error-record.ts';
import { ThreadInterception } from './intercept/driver-hooks.ts';
import { mergeUncontrolled } from './intercept/uncontrolled.ts';
import { loadScenario, loadStoreModule } from './load-module.ts';
import type { FailurePhase, ThreadTask, WorkerReport } from './protocol.ts';
import { RaceWindows } from './race-windows.ts';
import type { RunConfig } from './contract/run-config.ts';
import type { Scenario } from './contract/scenario.ts';
import type { OpenStore } from './contract/store.ts';
import { WorkerClient } from './worker-client.ts';

/** How long loading the scenario and the store and connecting may take. */
function startupBudgetMs(config: RunConfig): number {
  return Math.max(5_000, config.opTimeoutMs);
}
const START_TIMEOUT_MS = 30_000;
const CLOSE_BUDGET_MS = 1_000;
/**
 * How long a thread whose workers are done waits for the slowest before the final audit. A worker
 * that dies or stops answering is marked gone and never waited for, so this only bounds a run
 * whose ops are all slow but still finishing.
 */
const FINISH_TIMEOUT_MS = 10 * 60_000;

/** The budget of the final audit: a few reads of the sessions still live. */
function auditBudgetMs(config: RunConfig): number {
  return Math.max(30_000, config.opTimeoutMs);
}

export default async function runThread(task: ThreadTask): Promise<WorkerReport[]> {
  const control = new RunControl(task.control);
  const { config } = task;
  const clients = task.workers.map((share) => new WorkerClient(share, config, control));
  const workers = clients.map((client) => client.worker);
  const failAll = (phase: FailurePhase, message: string) => {
    for (const client of clients) client.report.failure ??= { phase, cause: 'error', error: { message } };
  };
  let atFinish = false;
  let interception: ThreadInterception | undefined;
  for (const worker of workers) control.hello(worker, threadId, startupBudgetMs(config));
  try {
    let scenario: Scenario;
    let openStore: OpenStore;
    try {
      scenario = await loadScenario(task.scenarioModule);
      const store = await loadStoreModule(task.storeModule);
      openStore = store.open;
      // Before any connection opens: racelab's own are claimed as they do, and every statement the
      // scenario's own code sends is seen from the first.
      if (task.interceptDrivers !== false) {
        interception = ThreadInterception.for(task.storeModule, store.driver, task.target, [task.scenarioModule]);
        interception.outside.take();
      }
    } catch (thrown) {
      const error = toErrorRecord(thrown);
      for (const client of clients) client.report.failure = { phase: 'load', cause: 'error', error };
      // The run cannot be whole without these workers: stop the others rather than let them
      // wait out the start barrier's budget.
      control.requestStop();
      return clients.map((client) => client.report);
    }
    await Promise.all(clients.map((client) => client.connect(openStore, scenario, task.target, startupBudgetMs(config))));
    if (clients.some((client) => client.report.failure)) {
      control.requestStop();
      return clients.map((client) => client.report);
    }
    if (!control.arriveAndWait(workers, 'start', START_TIMEOUT_MS)) {
      failAll('start-barrier', `start barrier: ${control.arrivals('start')} of ${control.workers} workers arrived within ${START_TIMEOUT_MS} ms`);
      control.requestStop();
      return clients.map((client) => client.report);
    }
    const windows = new RaceWindows(task.windows);
    await Promise.all(clients.map((client) => client.run(scenario, windows, task.historyZeroUs, task.drawBoard, task.interceptDrivers !== false)));

    atFinish = true;
    if (!control.arriveAndWait(workers, 'finish', FINISH_TIMEOUT_MS)) {
      failAll('finish-barrier', `finish barrier: ${control.arrivals('finish')} of ${control.workers} workers finished within ${FINISH_TIMEOUT_MS} ms; the final audit was skipped`);
      return clients.map((client) => client.report);
    }
    await Promise.all(clients.map((client) => client.audit(auditBudgetMs(config))));
    // Another driver's statements sent where no op's scope reached (a timer's, an event's): the thread's, given to its first worker.
    const outside = interception?.outside.take();
    if (outside !== undefined) clients[0]!.report.uncontrolled = mergeUncontrolled([clients[0]!.report.uncontrolled, outside])!;
    return clients.map((client) => client.report);
  } finally {
    // Every path counts in at the finish barrier, or the others would wait for these workers.
    if (!atFinish) for (const worker of workers) control.enter(worker, Phase.FinishBarrier);
    await Promise.all(clients.map((client) => client.close(CLOSE_BUDGET_MS)));
    for (const worker of workers) control.enter(worker, Phase.Done);
  }
}
