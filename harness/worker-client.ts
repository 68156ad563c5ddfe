/**
 * One worker of a thread: a client of the database with its own connection, op order, owner tag,
 * live sessions and tally. A thread runs several of them side by side on its event loop, each
 * awaiting its own statements, so clients do not each need a thread (worker.ts).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { Amplifier } from './amplify/amplifier.ts';
import { Phase, type RunControl } from './control.ts';
import { toErrorRecord } from './error-record.ts';
import { WorkerHistory } from './history.ts';
import { keyDrawerFor } from './key-modes.ts';
import { LiveSessions } from './live-sessions.ts';
import { WorkerOpContext } from './op-context.ts';
import { OpWatchdog } from './op-watchdog.ts';
import type { WorkerReport, WorkerShare } from './protocol.ts';
import type { RaceWindows } from './race-windows.ts';
import { nowUs } from './monotonic-clock.ts';
import { RecordingStore } from './recording-store.ts';
import { runOneOp } from './run-op.ts';
import { connectScenario, disconnectScenario, scenarioHookError } from './scenario-connection.ts';
import { LOUD_VIOLATIONS, type Outcome } from './contract/outcomes.ts';
import type { RunConfig } from './contract/run-config.ts';
import type { Scenario } from './contract/scenario.ts';
import type { OpenStore, StoreConnection, StoreTarget } from './contract/store.ts';
import { WorkerTally } from './worker-tally.ts';

/** Statements each worker records with their timings: the first collisions fall within them. */
const RECORDED_STEPS = 4_096;

export class WorkerClient {
  readonly worker: number;
  private readonly tally: WorkerTally;
  private connection: StoreConnection | undefined;
  private live: LiveSessions | undefined;
  private target: StoreTarget | undefined;
  /** The scenario whose `connect` made `app`, to close it with its `disconnect`. */
  private scenario: Scenario | undefined;
  /** What the scenario's `connect` made for this worker: its application's own pool or ORM. */
  private app: unknown;

  constructor(
    private readonly share: WorkerShare,
    private readonly config: RunConfig,
    private readonly control: RunControl,
  ) {
    this.worker = share.worker;
    this.tally = new WorkerTally(share.worker);
  }

  get report(): WorkerReport {
    return this.tally.report;
  }

  /**
   * Opens this worker's connection, and what the scenario's `connect` makes of the run's database;
   * a failure is recorded in its report, never thrown.
   */
  async connect(openStore: OpenStore, scenario: Scenario, target: StoreTarget, budgetMs: number): Promise<void> {
    this.control.enter(this.worker, Phase.Connect, budgetMs);
    this.target = target;
    try {
      this.connection = await openStore(target);
    } catch (thrown) {
      this.report.failure = { phase: 'connect', cause: 'error', error: toErrorRecord(thrown) };
      return;
    }
    try {
      this.app = await connectScenario(scenario, target.database);
      this.scenario = scenario;
    } catch (thrown) {
      this.report.failure = { phase: 'connect', cause: 'error', error: scenarioHookError(scenario, 'connect', thrown) };
    }
  }

  /**
   * Runs this worker's ops from the start barrier's release, then counts it in at the finish
   * barrier without blocking: the thread waits there once all its workers have.
   */
  async run(scenario: Scenario, windows: RaceWindows, historyZeroUs: number | undefined, drawBoard: SharedArrayBuffer | undefined, scoped: boolean): Promise<void> {
    const { control, worker, tally } = this;
    control.enter(worker, Phase.Run);
    tally.start();
    const store = new RecordingStore(this.connection!, worker, RECORDED_STEPS);
    const live = new LiveSessions(store, this.share.liveQuota, tally);
    this.live = live;
    const history = this.share.historyPath !== undefined && historyZeroUs !== undefined ? new WorkerHistory(this.share.historyPath, worker, historyZeroUs) : undefined;
    store.history = history;
    try {
      await this.runOps(scenario, store, live, windows, drawBoard, scoped);
    } finally {
      // The final audit's reads are no op of the run.
      store.history = undefined;
      history?.close();
      this.report.steps = store.events;
      this.report.statements = store.statements;
      const uncontrolled = store.uncontrolled.counted;
      if (uncontrolled !== undefined) this.report.uncontrolled = uncontrolled;
      control.enter(worker, Phase.FinishBarrier);
    }
  }

  private async runOps(scenario: Scenario, store: RecordingStore, live: LiveSessions, windows: RaceWindows, drawBoard: SharedArrayBuffer | undefined, scoped: boolean): Promise<void> {
    const { config, control, worker, tally } = this;
    const { report } = tally;
    const amplifier = config.amplify && drawBoard ? new Amplifier(drawBoard, worker, config.seed) : undefined;
    store.amplifier = amplifier;
    const draw = amplifier ? amplifier.drawer(keyDrawerFor(config, worker)) : keyDrawerFor(config, worker);
    const ctx = new WorkerOpContext(store, draw, config.maxAttempts, worker, config.isolation, this.target!.database, this.app);
    store.position = ctx;
    const watchdog = new OpWatchdog(config.opTimeoutMs, scenario.name);
    try {
      // `--duration`: ops until the time is up, counted from the release at the start barrier.
      const stopAt = config.durationMs === undefined ? Number.POSITIVE_INFINITY : performance.now() + config.durationMs;
      for (let op = 0; op < config.opsPerWorker && !control.stopRequested && performance.now() < stopAt; op++) {
        // The op and the expiry after it: past this deadline and a grace, a thread that has not
        // moved on is not answering, and the engine terminates it.
        control.opStarted(worker, op, config.opTimeoutMs);
        store.lastError = undefined;
        store.history?.invoke(op, nowUs());
        amplifier?.beginOp(op);
        const outcome = await runOneOp(scenario, ctx, store, config, op, live, tally, watchdog, scoped);
        // A hold is for the op that read: never for the expiry after it.
        store.clearHold();
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

  /** Audits the sessions this worker saved and still holds; call it once no worker writes any more. */
  async audit(budgetMs: number): Promise<void> {
    // After an op that may or may not have committed, this connection is not to be trusted.
    if (this.live === undefined || this.report.outcomes.indeterminate > 0) return;
    this.control.enter(this.worker, Phase.Audit, budgetMs);
    try {
      await this.live.auditAll();
    } catch (thrown) {
      this.report.failure = { phase: 'audit', cause: 'error', error: toErrorRecord(thrown) };
    }
  }

  /** Closes the connection within `budgetMs`: one that died, or still runs an abandoned statement, may never close cleanly. */
  async close(budgetMs: number): Promise<void> {
    const { scenario, app } = this;
    if (scenario !== undefined) await Promise.race([disconnectScenario(scenario, app).catch(() => undefined), delay(budgetMs, undefined, { ref: false })]);
    if (this.connection) await Promise.race([this.connection.close().catch(() => undefined), delay(budgetMs, undefined, { ref: false })]);
  }
}
