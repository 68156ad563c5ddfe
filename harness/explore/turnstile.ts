/**
 * The turnstile: shared memory through which the steps of several worker threads are released one
 * at a time. A worker arriving at a step boundary says so and blocks until it is released.
 *
 * Who releases the next step: whoever sees the run settled first and takes the decision lock. A
 * worker that finishes its step while every other worker waits at a boundary or is done decides
 * the next release itself, by the run's own policy, and wakes the chosen worker directly: no hop
 * through the coordinator's event loop per step, which cost more than the step's statement (two
 * thread wake-ups, 140–250 µs under load, against a 125–172 µs round trip). When a step may be
 * blocked inside the database, a policy refuses a step, or the run is halted, only the coordinator
 * decides: it alone asks the server.
 *
 * Layout (Int32Array): a header, then per worker [state, go, releasedAt, serverId], then a list of
 * every connection the workers' steps have used.
 * - clock: orders every release and every completion of a run, across threads;
 * - changes: bumped on every worker state change; notified when the coordinator must look;
 * - lock: held by whoever decides a release (the coordinator holds it from a run's reset until its
 *   first decision, so the run's tables are emptied before any step);
 * - decisions, last: how many releases the run made, and the worker released last (-1: none);
 * - halted: set when only the coordinator may decide (a refused schedule, a run broken off);
 * - active: the run's workers;
 * - known: how many connections the list holds; serverId: the connection the pending or running
 *   step uses (a backend pid), which may be one of the application's own pool rather than the
 *   worker's: what the coordinator asks the database about.
 */
export const WorkerState = {
  Idle: 0,
  /** At a step boundary, waiting to be released. */
  Pending: 1,
  /** Released: running its step (possibly blocked inside the database). */
  Running: 2,
  /** Finished all its ops for this run. */
  Done: 3,
} as const;
export type WorkerState = (typeof WorkerState)[keyof typeof WorkerState];

/** One release: at decision `at`, `worker` was chosen among `pending`. */
export interface Decision {
  at: number;
  pending: number[];
  worker: number;
}

/** Chooses among the pending workers; undefined leaves the decision to the coordinator. */
export type Choose = (pending: readonly number[], decision: number, last: number | undefined) => number | undefined;

const CLOCK = 0;
const CHANGES = 1;
const LOCK = 2;
const DECISIONS = 3;
const LAST = 4;
const HALTED = 5;
const ACTIVE = 6;
const KNOWN = 7;
const HEADER = 8;
const SLOT = 4;
const STATE = 0;
const GO = 1;
const RELEASED_AT = 2;
const SERVER_ID = 3;
/**
 * Room for the connections of a whole exploration: a worker's application pool opens a few. A
 * worker that would overflow it leaves every decision to the coordinator, which then reads each
 * step's connection itself.
 */
const KNOWN_CAPACITY = 1024;

export function createTurnstileBuffer(workers: number): SharedArrayBuffer {
  return new SharedArrayBuffer((HEADER + workers * SLOT + KNOWN_CAPACITY) * Int32Array.BYTES_PER_ELEMENT);
}

/** What both sides read, and the one way to decide a release. */
class TurnstileCells {
  protected readonly cells: Int32Array;
  private readonly knownAt: number;

  constructor(buffer: SharedArrayBuffer) {
    this.cells = new Int32Array(buffer);
    this.knownAt = this.cells.length - KNOWN_CAPACITY;
  }

  state(worker: number): WorkerState {
    return Atomics.load(this.cells, HEADER + worker * SLOT + STATE) as WorkerState;
  }

  /** The connection `worker`'s pending or running step uses. */
  serverId(worker: number): number {
    return Atomics.load(this.cells, HEADER + worker * SLOT + SERVER_ID);
  }

  /** The change counter, to wait on with `waitForChange`. */
  changes(): number {
    return Atomics.load(this.cells, CHANGES);
  }

  /** The connections the workers listed from index `from` on. */
  knownConnections(from: number): number[] {
    const count = Math.min(Atomics.load(this.cells, KNOWN), KNOWN_CAPACITY);
    const ids: number[] = [];
    for (let index = from; index < count; index++) ids.push(Atomics.load(this.cells, this.knownAt + index));
    return ids;
  }

  /** Takes the decision lock if nobody holds it. */
  tryLock(): boolean {
    return Atomics.compareExchange(this.cells, LOCK, 0, 1) === 0;
  }

  unlock(): void {
    Atomics.store(this.cells, LOCK, 0);
  }

  /** No step of the run is under way: every worker waits at a boundary or is done. */
  settled(): boolean {
    const workers = Atomics.load(this.cells, ACTIVE);
    for (let worker = 0; worker < workers; worker++) {
      const state = this.state(worker);
      if (state === WorkerState.Running || state === WorkerState.Idle) return false;
    }
    return true;
  }

  /**
   * With the lock held: releases the worker `choose` picks among the pending ones, and returns the
   * decision; undefined when nobody is pending or `choose` declined.
   */
  decide(choose: Choose): Decision | undefined {
    const workers = Atomics.load(this.cells, ACTIVE);
    const pending: number[] = [];
    for (let worker = 0; worker < workers; worker++) if (this.state(worker) === WorkerState.Pending) pending.push(worker);
    if (pending.length === 0) return undefined;
    const at = Atomics.load(this.cells, DECISIONS);
    const last = Atomics.load(this.cells, LAST);
    const worker = choose(pending, at, last < 0 ? undefined : last);
    if (worker === undefined) return undefined;
    Atomics.store(this.cells, DECISIONS, at + 1);
    Atomics.store(this.cells, LAST, worker);
    this.release(worker);
    return { at, pending, worker };
  }

  /** How many releases the run has made. */
  decisions(): number {
    return Atomics.load(this.cells, DECISIONS);
  }

  /** Lets `worker`'s pending step through. */
  private release(worker: number): void {
    const base = HEADER + worker * SLOT;
    const at = Atomics.add(this.cells, CLOCK, 1) + 1;
    Atomics.store(this.cells, base + RELEASED_AT, at);
    Atomics.store(this.cells, base + STATE, WorkerState.Running);
    Atomics.add(this.cells, CHANGES, 1);
    Atomics.add(this.cells, base + GO, 1);
    Atomics.notify(this.cells, base + GO);
  }

  protected halted(): boolean {
    return Atomics.load(this.cells, HALTED) !== 0;
  }

  /** Adds `serverId` to the list of connections; false when the list is full. */
  protected list(serverId: number): boolean {
    const index = Atomics.add(this.cells, KNOWN, 1);
    if (index >= KNOWN_CAPACITY) return false;
    Atomics.store(this.cells, this.knownAt + index, serverId);
    return true;
  }
}

/** The worker's side: one per worker thread. */
export class TurnstileGate extends TurnstileCells {
  private readonly base: number;
  private readonly listed = new Set<number>();
  /** Set once the list of connections is full: this worker then leaves every decision to the coordinator. */
  private unlisted = false;
  private choose: Choose | undefined;
  /** The releases this worker decided in the current run. */
  readonly decided: Decision[] = [];

  constructor(buffer: SharedArrayBuffer, worker: number) {
    super(buffer);
    this.base = HEADER + worker * SLOT;
  }

  /** A new run: `choose` is its policy, or undefined when only the coordinator may decide. */
  beginRun(choose: Choose | undefined): void {
    this.choose = choose;
    this.decided.length = 0;
  }

  /**
   * Announces a step on the connection `serverId` and blocks until it is released: by this very
   * worker when it finds the run settled, or by another thread. Returns the clock value of the
   * release. WARNING: blocks this thread's event loop; call it only between statements.
   */
  awaitRelease(serverId: number): number {
    const go = Atomics.load(this.cells, this.base + GO);
    if (!this.listed.has(serverId)) {
      if (this.list(serverId)) this.listed.add(serverId);
      else this.unlisted = true;
    }
    Atomics.store(this.cells, this.base + SERVER_ID, serverId);
    this.setState(WorkerState.Pending);
    this.handOn();
    while (Atomics.load(this.cells, this.base + GO) === go) Atomics.wait(this.cells, this.base + GO, go);
    return Atomics.load(this.cells, this.base + RELEASED_AT);
  }

  /** Stamps the completion of a step on the shared clock. */
  completed(): number {
    return Atomics.add(this.cells, CLOCK, 1) + 1;
  }

  finish(): void {
    this.setState(WorkerState.Done);
    this.handOn();
  }

  /** Resolves once every worker of the run is done: nobody writes any more. */
  async allDone(): Promise<void> {
    for (;;) {
      const seen = Atomics.load(this.cells, CHANGES);
      const workers = Atomics.load(this.cells, ACTIVE);
      let done = true;
      for (let worker = 0; worker < workers && done; worker++) done = this.state(worker) === WorkerState.Done;
      if (done) return;
      const waiting = Atomics.waitAsync(this.cells, CHANGES, seen);
      if (waiting.async) await waiting.value;
    }
  }

  private setState(state: WorkerState): void {
    Atomics.store(this.cells, this.base + STATE, state);
    Atomics.add(this.cells, CHANGES, 1);
  }

  /**
   * Just arrived at a boundary or done: releases the next step if the run is settled and this
   * worker may decide it; otherwise wakes the coordinator (and the workers waiting for the end).
   */
  private handOn(): void {
    if (this.choose !== undefined && !this.unlisted && !this.halted() && this.settled() && this.tryLock()) {
      try {
        // Under the lock nobody releases a step, so the run stays settled while this decides.
        if (!this.halted() && this.settled()) {
          const decision = this.decide(this.choose);
          if (decision !== undefined) {
            this.decided.push(decision);
            return;
          }
        }
      } finally {
        this.unlock();
      }
    }
    Atomics.notify(this.cells, CHANGES);
  }
}

/** The coordinator's side. */
export class TurnstileControl extends TurnstileCells {
  /**
   * Resets the participants for a new run: idle, the clock back to zero, no decision yet. The
   * coordinator holds the decision lock until it unlocks after its first decision.
   */
  reset(workers: number): void {
    Atomics.store(this.cells, LOCK, 1);
    Atomics.store(this.cells, CLOCK, 0);
    Atomics.store(this.cells, DECISIONS, 0);
    Atomics.store(this.cells, LAST, -1);
    Atomics.store(this.cells, HALTED, 0);
    for (let w = 0; w < workers; w++) Atomics.store(this.cells, HEADER + w * SLOT + STATE, WorkerState.Idle);
    Atomics.store(this.cells, ACTIVE, workers);
  }

  /** From now on only the coordinator releases steps in this run. */
  halt(): void {
    Atomics.store(this.cells, HALTED, 1);
  }

  /**
   * Resolves once a worker changes state after `seen` (or `poke` is called), or `timeoutMs` passes;
   * false on timeout. It never blocks the calling thread: the coordinator runs on the main thread,
   * which must stay free to hear Ctrl-C and a worker thread's death. Workers notify only when they
   * need the coordinator: a change they handled themselves shows as a counter that moved by the timeout.
   */
  async waitForChange(seen: number, timeoutMs: number): Promise<boolean> {
    // No spinning first: on 2 cores a spinning coordinator takes the CPU that the released
    // worker and its PostgreSQL backend need to finish the step (measured: ~40% slower per
    // schedule with a 0.3 ms spin under load), and waitAsync wakes as fast as a spin unloaded.
    const waiting = Atomics.waitAsync(this.cells, CHANGES, seen, timeoutMs);
    return (waiting.async ? await waiting.value : waiting.value) !== 'timed-out' || this.changes() !== seen;
  }

  /** Wakes the coordinator's wait without any worker changing: an abort, a worker thread gone. */
  poke(): void {
    Atomics.add(this.cells, CHANGES, 1);
    Atomics.notify(this.cells, CHANGES);
  }
}
