/**
 * The coordinator of explore mode. It keeps a long-lived worker per participant an input has had
 * (three from the start, more as inputs need them), each with a warm connection, and runs one
 * interleaving at a time: exactly one pending step is let through at a time, and the next only
 * once every released step has finished or is provably blocked inside the database
 * (`Database.blockedBackends`). A worker that finishes its step while the others all wait or are
 * done releases the next one itself, by the same policy (turnstile.ts); the coordinator decides
 * the rest: the first step after the tables are emptied when the workers beat the DELETE, any
 * step while another released step still runs (it may be blocked), and every step of a run whose
 * schedule refused one. Either way the decision is made from the same settled state, so an
 * interleaving is the same every time its decisions are.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { keyValuesOf } from '../key-values.ts';
import { loadScenario } from '../load-module.ts';
import { opOf } from '../scenario-kind.ts';
import { newRunId } from '../run-id.ts';
import { auditOn, runSetup } from '../scenario-hooks.ts';
import type { Outcome } from '../contract/outcomes.ts';
import type { RunConfig } from '../contract/run-config.ts';
import type { AuditProblem, Scenario } from '../contract/scenario.ts';
import type { Database, QueryClient, StoreTarget } from '../contract/store.ts';
import type { WorkerSample } from '../protocol.ts';
import type { ExploreRun } from './explore-run.ts';
import type { ExploreTask, FromWorker, ToWorker } from './protocol.ts';
import { roundRobin, type ExploreInput, type SchedulePolicy } from './schedule.ts';
import { inOrder } from './decisions.ts';
import type { StepRecord } from './step-log.ts';
import { createTurnstileBuffer, TurnstileControl, WorkerState, type Choose, type Decision } from './turnstile.ts';
import { ExploreInterrupted, HarnessFailure } from './harness-failure.ts';
import { toErrorRecord } from '../error-record.ts';
import { mergeUncontrolled, type UncontrolledStatements } from '../intercept/uncontrolled.ts';

const WORKER_ENTRY = new URL('../worker-entry.mjs', import.meta.url).href;
/** How long a released step may run before the server is asked whether it is blocked. */
const SETTLE_POLL_MS = 1;
/**
 * A run that makes no progress for this long is stuck: a scenario that hangs or spins, or a lost
 * server. The same budget as stress mode's default --op-timeout.
 */
const STUCK_MS = 10_000;
/** The workers started with the explorer; more start when an input needs them. */
const WARM_WORKERS = 3;
/**
 * How long a worker may take to load the scenario and connect. An application's ORM loads for
 * seconds on a busy machine: 10 s was too short for TypeORM and Kysely on CI's 2 cores.
 */
const JOIN_MS = 60_000;

/** How long close() lets workers finish on their own after a clean exploration. */
const CLOSE_GRACE_MS = 5_000;

interface Participant {
  port: MessagePort;
  backendPid: number;
  inbox: FromWorker[];
  waiters: { resolve: (message: FromWorker) => void; reject: (error: Error) => void }[];
  /** Set when its thread died: nothing more will come from it. */
  died?: HarnessFailure;
}

export class Explorer {
  private readonly tasks: Promise<unknown>[] = [];
  private readonly participants: Participant[] = [];
  private readonly turnstile: TurnstileControl;

  private constructor(
    readonly scenario: Scenario,
    private readonly scenarioModule: string,
    readonly database: Database,
    private readonly target: StoreTarget,
    private readonly pool: Piscina,
    private readonly buffer: SharedArrayBuffer,
    private readonly maxWorkers: number,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.turnstile = new TurnstileControl(buffer);
  }

  /**
   * Starts explore workers on a fresh schema, as many as an input may use (`maxWorkers`) but only
   * the first few at once: a thread loads the scenario and its application's modules, which costs
   * more than most searches' interleavings, and most inputs need two or three workers. The rest
   * start when an input first needs them. Aborting `signal` ends the interleaving under way at its
   * next decision with ExploreInterrupted.
   */
  static async start(database: Database, scenarioModule: string, maxWorkers: number, signal?: AbortSignal): Promise<Explorer> {
    const scenario = await loadScenario(scenarioModule);
    // Its workers run ops in their threads: a command scenario has none (scenario-kind.ts).
    opOf(scenario, 'explore');
    const target = await database.createRunSchema(newRunId());
    try {
      await runSetup(database, target, scenario, scenarioModule);
    } catch (error) {
      await database.dropRunSchema(target).catch(() => undefined);
      throw error;
    }
    const warm = Math.min(maxWorkers, WARM_WORKERS);
    const pool = new Piscina({ filename: WORKER_ENTRY, minThreads: warm, maxThreads: maxWorkers, idleTimeout: Number.POSITIVE_INFINITY });
    // A thread that dies between tasks has none to fail: see worker-pool.ts.
    pool.on('error', () => undefined);
    const explorer = new Explorer(scenario, scenarioModule, database, target, pool, createTurnstileBuffer(maxWorkers), maxWorkers, signal);
    signal?.addEventListener('abort', () => explorer.turnstile.poke(), { once: true });
    try {
      await explorer.join(warm);
    } catch (error) {
      await explorer.close();
      throw error;
    }
    return explorer;
  }

  /**
   * Starts workers until there are `count`, and waits until each new one is connected: at most
   * JOIN_MS each, and never past an abort. A worker that cannot join breaks the exploration.
   */
  private async join(count: number): Promise<void> {
    this.check();
    this.sameTables = false;
    const joining: Participant[] = [];
    for (let worker = this.participants.length; worker < count; worker++) {
      const { port1, port2 } = new MessageChannel();
      const participant: Participant = { port: port1, backendPid: 0, inbox: [], waiters: [] };
      port1.on('message', (message: FromWorker) => {
        const waiter = participant.waiters.shift();
        if (waiter) waiter.resolve(message);
        else participant.inbox.push(message);
      });
      this.participants.push(participant);
      joining.push(participant);
      const task: ExploreTask = { scenarioModule: this.scenarioModule, storeModule: this.database.storeModule, target: this.target, worker, turnstile: this.buffer, port: port2 };
      const died = (reason: unknown) => {
        const { message, stack } = toErrorRecord(reason);
        participant.died = new HarnessFailure(`worker ${worker + 1} died (its thread ended on an exception that escaped): ${message}`);
        if (stack) participant.died.stack = stack;
        for (const waiter of participant.waiters.splice(0)) waiter.reject(participant.died);
        // Wakes the coordinator wherever it waits, so it sees the death at once.
        this.turnstile.poke();
      };
      this.tasks.push(this.pool.run(task, { name: 'explore', transferList: [port2] }).catch(died));
    }
    try {
      for (const participant of joining) {
        const message = await this.joined(participant);
        if (message.type === 'failed') throw new HarnessFailure(`explore worker could not start: ${message.error.message}`);
        if (message.type === 'ready') participant.backendPid = message.backendPid;
      }
    } catch (error) {
      this.broken = true;
      throw error;
    }
  }

  /** A new worker's first message, or why it will not come: a bound, or an abort. */
  private joined(participant: Participant): Promise<FromWorker> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new HarnessFailure(`an explore worker did not load its scenario and connect within ${JOIN_MS / 1000} s`)), JOIN_MS);
      const aborted = () => reject(new ExploreInterrupted('interrupted'));
      this.signal?.addEventListener('abort', aborted, { once: true });
      this.receive(participant)
        .then(resolve, reject)
        .finally(() => {
          clearTimeout(timer);
          this.signal?.removeEventListener('abort', aborted);
        });
    });
  }

  /** Runs one interleaving of `input` on an empty table, deciding with `policy`. */
  async run(input: Omit<ExploreInput, 'choices'>, policy: SchedulePolicy): Promise<ExploreRun> {
    if (input.workers > this.maxWorkers) throw new RangeError(`an input of ${input.workers} workers, but this explorer has at most ${this.maxWorkers}`);
    // Before the clock starts: a thread's start is no part of the interleaving's time.
    if (input.workers > this.participants.length) await this.join(input.workers);
    const started = performance.now();
    const active = this.participants.slice(0, input.workers);
    const config: RunConfig = {
      workers: input.workers,
      // Explore runs each worker on a thread of its own, whose steps the turnstile releases one at a time.
      threads: input.workers,
      opsPerWorker: input.opsPerWorker,
      keys: 'shrunk',
      keySpace: input.keySpace,
      occupancy: 0,
      // Enough to find a free key when one exists; a key space smaller than the load ends the
      // op key_space_exhausted quickly instead of spinning through thousands of steps.
      maxAttempts: 2 * input.keySpace + 2,
      seed: input.keySeed,
      isolation: input.isolation,
      // A step waiting on a lock is part of an interleaving; the coordinator's own stall check
      // (STUCK_MS) catches a run that no longer moves.
      opTimeoutMs: STUCK_MS,
    };
    this.turnstile.reset(input.workers);
    for (const participant of active) this.send(participant, { type: 'run', config, ...(policy.plan && { plan: policy.plan }) });
    // The tables empty while the workers wake and reach their first step, which no worker passes
    // before the first release: a round trip less per run. Only a statement racelab cannot gate
    // (`uncontrolled`, which makes a verdict no evidence anyway) could land before the DELETE.
    const emptied = this.database.emptyRunTables(this.target, this.sameTables).then(
      () => undefined,
      (error: unknown) => error ?? new Error('emptying the run tables failed'),
    );

    // The scenario's setup made its tables before the first run; a worker's connect (an ORM that
    // syncs its models) makes them before the first run after it joined. Ops make none.
    this.sameTables = true;
    const decided: Decision[] = [];
    // A schedule that does not fit is reported after the run is driven to its end, so that no
    // worker is left waiting at the turnstile and the explorer stays usable. From then on the
    // coordinator decides alone, round robin.
    let refused: unknown;
    const choose: Choose = (pending, decision, last) => {
      if (refused === undefined) {
        try {
          return policy.choose(pending, decision, last);
        } catch (error) {
          refused = error;
          this.turnstile.halt();
        }
      }
      return roundRobin(pending, last);
    };
    // Held from the reset: the first release waits for the tables to be empty. Once they are, the
    // last worker to reach its first step usually releases it itself: the DELETE is done sooner
    // than the workers wake.
    let locked = true;
    try {
      const failure = await emptied;
      if (failure !== undefined) {
        // The workers wait at their first step for good.
        this.breakOff();
        throw failure;
      }
      this.turnstile.unlock();
      locked = false;
      for (;;) {
        const seen = await this.settle(input.workers);
        if (!this.turnstile.tryLock()) {
          // A worker is deciding this release; it wakes us if it leaves it to us.
          await this.turnstile.waitForChange(seen, SETTLE_POLL_MS);
          continue;
        }
        locked = true;
        // A change since settle looked (a worker arrived, or one released a step) is looked at again.
        if (this.turnstile.changes() !== seen) {
          this.turnstile.unlock();
          locked = false;
          continue;
        }
        const states = active.map((_, worker) => this.turnstile.state(worker));
        if (states.every((state) => state === WorkerState.Done)) break;
        for (let worker = 0; worker < input.workers; worker++) this.runConnections.add(this.turnstile.serverId(worker));
        const decision = this.turnstile.decide(choose);
        this.turnstile.unlock();
        locked = false;
        if (decision !== undefined) {
          decided.push(decision);
          continue;
        }
        // Everyone left is blocked on everyone else: the database's deadlock detector will end it.
        // Polled, not slept: the worker it frees may release the next step itself, without a word.
        const deadline = Date.now() + STUCK_MS;
        while (!(await this.turnstile.waitForChange(seen, SETTLE_POLL_MS))) {
          this.check();
          if (Date.now() > deadline) {
            this.breakOff();
            throw new HarnessFailure(`every remaining worker waited on a lock for ${STUCK_MS} ms`);
          }
        }
        this.check();
      }
    } finally {
      if (locked) this.turnstile.unlock();
    }

    const results = await Promise.all(active.map((participant) => this.receive(participant)));
    const steps: StepRecord[] = [];
    const outcomes: Outcome[][] = [];
    const samples: WorkerSample[] = [];
    const uncontrolledParts: (UncontrolledStatements | undefined)[] = [];
    for (const result of results) {
      if (result.type !== 'result') throw new HarnessFailure(`explore worker answered ${result.type} instead of its result`);
      if (result.report.failure) {
        throw new HarnessFailure(`worker ${result.report.worker + 1} failed at ${result.report.failure.phase}: ${result.report.failure.error.message}`);
      }
      steps.push(...result.steps);
      uncontrolledParts.push(result.report.uncontrolled);
      outcomes.push(result.opOutcomes);
      samples.push(...result.report.samples);
      decided.push(...result.decided);
    }
    const { order, pendingAt } = inOrder(decided, this.turnstile.decisions());
    if (refused !== undefined) throw refused;
    let invariantProblems: AuditProblem[];
    try {
      invariantProblems = await this.audit();
    } catch (error) {
      throw new HarnessFailure(`${this.scenario.name}: its audit hook failed: ${(error as Error).message}`);
    }
    steps.sort((a, b) => a.releasedAt - b.releasedAt);
    // The scenario's own value of each key, decided here once for every output of the run.
    const keyValueOf = keyValuesOf(this.scenario);
    for (const record of [...steps, ...samples]) {
      const keyValue = record.key === undefined ? undefined : keyValueOf(record.key);
      if (keyValue !== undefined) record.keyValue = keyValue;
    }
    const uncontrolled = mergeUncontrolled(uncontrolledParts);
    return { input, order, pendingAt, steps, outcomes, samples, invariantProblems, elapsedMs: performance.now() - started, ...(uncontrolled && { uncontrolled }) };
  }

  /**
   * Stops the workers, closes their connections and drops the schema. After an exploration that
   * ended cleanly the workers get a grace to leave on their own; after an abort or a failure some
   * may wait at the turnstile or inside a statement for good, so their threads are terminated at
   * once, which closes their connections too.
   */
  async close(): Promise<void> {
    const clean = !this.signal?.aborted && this.participants.every((p) => p.died === undefined) && !this.broken;
    for (const participant of this.participants) this.send(participant, { type: 'quit' });
    if (clean) await Promise.race([Promise.allSettled(this.tasks), delay(CLOSE_GRACE_MS, undefined, { ref: false })]);
    await this.pool.destroy();
    await this.auditClient?.close().catch(() => undefined);
    await this.database.dropRunSchema(this.target);
  }

  /** No worker joined since the run tables were last emptied: see `Database.emptyRunTables`. */
  private sameTables = false;
  /** Set once a run broke off midway: its workers may be anywhere. */
  private broken = false;
  /**
   * The server's answer still on its way, if any: settle asks one question at a time, so that a
   * slow server is not sent a new one every poll while the old ones queue on the admin connection.
   */
  private asking: Promise<unknown> | undefined;
  /** Every connection the workers' steps have run on: those of an application's pool too. */
  private readonly runConnections = new Set<number>();
  /** How much of the turnstile's list of connections is already in runConnections. */
  private knownRead = 0;

  /**
   * The connection the scenario's audit hook runs on, opened at its first audit and kept from run
   * to run: a connection opened for each run cost more than the run itself (about 10 ms per run of
   * a knex scenario, against 1.6 ms per step).
   */
  private auditClient: (QueryClient & { close(): Promise<void> }) | undefined;

  /** The scenario's audit of the run just ended, on the kept connection. */
  private async audit(): Promise<AuditProblem[]> {
    if (!this.scenario.audit) return [];
    this.auditClient ??= await this.database.runClient(this.target);
    try {
      const problems = await auditOn(this.auditClient, this.target, this.scenario);
      // A hook that returned inside a transaction would leave the next run's audit its snapshot,
      // or its locks to block the next emptying of the tables. Outside one, PostgreSQL warns and
      // MySQL does nothing; SQLite's refusal is caught.
      await this.auditClient.query('ROLLBACK').catch(() => undefined);
      return problems;
    } catch (error) {
      // A hook that failed may have left its connection inside a transaction: the next audit gets a new one.
      const client = this.auditClient;
      this.auditClient = undefined;
      await client.close().catch(() => undefined);
      throw error;
    }
  }

  /** Throws what ends the exploration now: a worker thread that died, or an abort. */
  private check(): void {
    const dead = this.participants.find((p) => p.died !== undefined);
    if (dead) {
      this.breakOff();
      throw dead.died!;
    }
    if (this.signal?.aborted) {
      this.breakOff();
      throw new ExploreInterrupted('interrupted');
    }
  }

  /**
   * Returns once every participant is at a step boundary, done, or running a statement that
   * the database says waits for another's lock; returns the change counter it saw then. Steps the
   * workers release among themselves go on meanwhile: the server is asked only about a step that
   * has run for a whole poll with nothing changing.
   */
  private async settle(workers: number): Promise<number> {
    let progress = this.turnstile.changes();
    let deadline = Date.now() + STUCK_MS;
    for (;;) {
      this.check();
      const seen = this.turnstile.changes();
      if (seen !== progress) {
        progress = seen;
        deadline = Date.now() + STUCK_MS;
      }
      const moving: number[] = [];
      for (let worker = 0; worker < workers; worker++) {
        const state = this.turnstile.state(worker);
        if (state === WorkerState.Running || state === WorkerState.Idle) moving.push(worker);
      }
      if (moving.length === 0) return seen;
      if (await this.turnstile.waitForChange(seen, SETTLE_POLL_MS)) continue;
      if (this.asking === undefined && moving.every((worker) => this.turnstile.state(worker) === WorkerState.Running)) {
        // Each step runs on the connection its worker announced: the worker's own, or one of its
        // application's pool. A lock any connection of the run's workers holds can block it.
        const pids = moving.map((worker) => this.turnstile.serverId(worker));
        for (let worker = 0; worker < workers; worker++) this.runConnections.add(this.turnstile.serverId(worker));
        const known = this.turnstile.knownConnections(this.knownRead);
        this.knownRead += known.length;
        for (const id of known) this.runConnections.add(id);
        const holders = [...this.participants.slice(0, workers).map((participant) => participant.backendPid), ...this.runConnections];
        const asked = this.database.blockedBackends(pids, holders);
        this.asking = asked.then(
          () => (this.asking = undefined),
          () => (this.asking = undefined),
        );
        // Most steps that outlast the poll are merely slow, not blocked (a busy machine): a step
        // that finishes while the server is being asked moves the run on at once, not after the answer.
        const answer = await Promise.race([asked, this.turnstile.waitForChange(seen, STUCK_MS)]);
        // A change since `seen` may have ended a wait the answer reports: look again.
        if (answer instanceof Set && this.turnstile.changes() === seen && pids.every((pid) => answer.has(pid))) return seen;
      }
      if (Date.now() > deadline) {
        this.breakOff();
        throw new HarnessFailure(`no step finished within ${STUCK_MS} ms: workers ${moving.map((w) => w + 1).join(', ')} are stuck`);
      }
    }
  }

  /** Marks the run broken off midway, and keeps the workers from releasing any more of its steps. */
  private breakOff(): void {
    this.broken = true;
    this.turnstile.halt();
  }

  private send(participant: Participant, message: ToWorker): void {
    participant.port.postMessage(message);
  }

  private receive(participant: Participant): Promise<FromWorker> {
    const queued = participant.inbox.shift();
    if (queued) return Promise.resolve(queued);
    if (participant.died) return Promise.reject(participant.died);
    return new Promise((resolve, reject) => participant.waiters.push({ resolve, reject }));
  }
}
