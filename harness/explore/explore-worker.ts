/**
 * A worker thread in explore mode: it stays up for the whole exploration with one warm
 * connection, and serves run after run. Within a run every statement waits at the turnstile.
 */
import { once } from 'node:events';
import type { MessagePort } from 'node:worker_threads';
import { toErrorRecord } from '../error-record.ts';
import { keyDrawerFor } from '../key-modes.ts';
import { LiveSessions } from '../live-sessions.ts';
import { ThreadInterception } from '../intercept/driver-hooks.ts';
import { mergeUncontrolled } from '../intercept/uncontrolled.ts';
import { loadScenario, loadStoreModule } from '../load-module.ts';
import { connectScenario, disconnectScenario, scenarioHookError } from '../scenario-connection.ts';
import { WorkerOpContext } from '../op-context.ts';
import { runOneOp } from '../run-op.ts';
import { OpWatchdog } from '../op-watchdog.ts';
import type { RunConfig } from '../contract/run-config.ts';
import type { Scenario } from '../contract/scenario.ts';
import type { RunDatabase, StoreConnection } from '../contract/store.ts';
import { WorkerTally } from '../worker-tally.ts';
import type { ExploreTask, FromWorker, ToWorker } from './protocol.ts';
import { SteppingStore } from './stepping-store.ts';
import { policyFromPlan, type SchedulePolicy } from './schedule.ts';
import { TurnstileGate, type Choose } from './turnstile.ts';

export default async function exploreWorker(task: ExploreTask): Promise<void> {
  const { port, worker } = task;
  const send = (message: FromWorker) => port.postMessage(message);
  const inbox = messages(port);
  let store: StoreConnection | undefined;
  let scenario: Scenario | undefined;
  let app: unknown;
  let interception: ThreadInterception | undefined;
  try {
    try {
      scenario = await loadScenario(task.scenarioModule);
      const storeModule = await loadStoreModule(task.storeModule);
      // Before any connection opens: the statements of the scenario's own code are steps too.
      interception = ThreadInterception.for(task.storeModule, storeModule.driver, task.target, [task.scenarioModule]);
      store = await storeModule.open(task.target);
    } catch (thrown) {
      send({ type: 'failed', error: toErrorRecord(thrown) });
      return;
    }
    try {
      app = await connectScenario(scenario, task.target.database);
    } catch (thrown) {
      send({ type: 'failed', error: scenarioHookError(scenario, 'connect', thrown) });
      return;
    }
    const gate = new TurnstileGate(task.turnstile, worker);
    const stepping = new SteppingStore(store, gate, worker);
    send({ type: 'ready', backendPid: store.backendPid });
    for (;;) {
      const message = await inbox.next();
      if (message.type === 'quit') return;
      if (message.type !== 'run') continue;
      gate.beginRun(message.plan && declining(policyFromPlan(message.plan)));
      const { tally, live } = await runOnce(scenario, stepping, message.config, worker, task.target.database, app);
      // Nobody writes once every participant is done: the turnstile says so without a message.
      await gate.allDone();
      stepping.gating = false;
      try {
        await live.auditAll();
      } catch (thrown) {
        tally.report.failure = { phase: 'audit', cause: 'error', error: toErrorRecord(thrown) };
      }
      // Another driver's bytes written where no op's scope reached (a timer's, an event's) are this worker's too: it is alone on its thread.
      const uncontrolled = mergeUncontrolled([stepping.uncontrolled.take(), interception?.outside.take()]);
      if (uncontrolled !== undefined) tally.report.uncontrolled = uncontrolled;
      send({ type: 'result', report: tally.report, steps: stepping.steps.splice(0), opOutcomes: tally.opOutcomes ?? [], decided: [...gate.decided] });
    }
  } finally {
    port.close();
    if (scenario !== undefined) await disconnectScenario(scenario, app).catch(() => undefined);
    await store?.close().catch(() => undefined);
  }
}

async function runOnce(scenario: Scenario, stepping: SteppingStore, config: RunConfig, worker: number, database: RunDatabase, app: unknown) {
  const tally = new WorkerTally(worker, true);
  // Explore keeps no session beyond the op that made it: each worker expires its previous
  // session before its next op, so only sessions in flight hold keys.
  const live = new LiveSessions(stepping, 0, tally);
  const ctx = new WorkerOpContext(stepping, keyDrawerFor(config, worker), config.maxAttempts, worker, config.isolation, database, app);
  stepping.position = ctx;
  stepping.gating = true;
  const watchdog = new OpWatchdog(config.opTimeoutMs, scenario.name);
  try {
    for (let op = 0; op < config.opsPerWorker; op++) {
      try {
        if (op > 0) await live.expireBeyondQuota();
      } catch (thrown) {
        tally.report.failure = { phase: 'expire', cause: 'error', error: toErrorRecord(thrown) };
        break;
      }
      await runOneOp(scenario, ctx, stepping, config, op, live, tally, watchdog);
    }
  } finally {
    watchdog.stop();
  }
  stepping.finish();
  return { tally, live };
}

/**
 * The run's policy for this worker's own decisions: one it refuses (a replayed schedule that does
 * not fit) is left to the coordinator, which reports it.
 */
function declining(policy: SchedulePolicy): Choose {
  return (pending, decision, last) => {
    try {
      return policy.choose(pending, decision, last);
    } catch {
      return undefined;
    }
  };
}

/** The port's messages as a queue to await one by one. */
function messages(port: MessagePort): { next(): Promise<ToWorker> } {
  const queue: ToWorker[] = [];
  port.on('message', (message: ToWorker) => queue.push(message));
  return {
    async next() {
      while (queue.length === 0) await once(port, 'message');
      return queue.shift()!;
    },
  };
}
