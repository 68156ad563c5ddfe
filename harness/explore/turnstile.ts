/**
 * The turnstile: shared memory through which one coordinator releases the steps of several worker
 * threads one at a time. A worker arriving at a step boundary says so and blocks; the coordinator
 * picks one pending worker and lets exactly that one through.
 *
 * Layout (Int32Array): [clock, changes, then per worker: state, go, releasedAt, serverId].
 * - clock: orders every release and every completion of a run, across threads;
 * - changes: bumped on every worker state change, so the coordinator can sleep until one;
 * - go: bumped by the coordinator to release that worker's pending step;
 * - serverId: the connection the pending or running step uses (a backend pid), which may be one
 *   of the application's own pool rather than the worker's: what the coordinator asks the
 *   database about.
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

const CLOCK = 0;
const CHANGES = 1;
const HEADER = 2;
const SLOT = 4;
const STATE = 0;
const GO = 1;
const RELEASED_AT = 2;
const SERVER_ID = 3;

export function createTurnstileBuffer(workers: number): SharedArrayBuffer {
  return new SharedArrayBuffer((HEADER + workers * SLOT) * Int32Array.BYTES_PER_ELEMENT);
}

/** The worker's side: one per worker thread. */
export class TurnstileGate {
  private readonly cells: Int32Array;
  private readonly base: number;

  constructor(buffer: SharedArrayBuffer, worker: number) {
    this.cells = new Int32Array(buffer);
    this.base = HEADER + worker * SLOT;
  }

  /**
   * Announces a step on the connection `serverId` and blocks until the coordinator releases it.
   * Returns the clock value of the release. WARNING: blocks this thread's event loop; call it only
   * between statements.
   */
  awaitRelease(serverId: number): number {
    const go = Atomics.load(this.cells, this.base + GO);
    Atomics.store(this.cells, this.base + SERVER_ID, serverId);
    this.setState(WorkerState.Pending);
    while (Atomics.load(this.cells, this.base + GO) === go) Atomics.wait(this.cells, this.base + GO, go);
    return Atomics.load(this.cells, this.base + RELEASED_AT);
  }

  /** Stamps the completion of a step on the shared clock. */
  completed(): number {
    return Atomics.add(this.cells, CLOCK, 1) + 1;
  }

  finish(): void {
    this.setState(WorkerState.Done);
  }

  private setState(state: WorkerState): void {
    Atomics.store(this.cells, this.base + STATE, state);
    Atomics.add(this.cells, CHANGES, 1);
    Atomics.notify(this.cells, CHANGES);
  }
}

/** The coordinator's side. */
export class TurnstileControl {
  private readonly cells: Int32Array;

  constructor(buffer: SharedArrayBuffer) {
    this.cells = new Int32Array(buffer);
  }

  state(worker: number): WorkerState {
    return Atomics.load(this.cells, HEADER + worker * SLOT + STATE) as WorkerState;
  }

  /** The connection `worker`'s pending or running step uses. */
  serverId(worker: number): number {
    return Atomics.load(this.cells, HEADER + worker * SLOT + SERVER_ID);
  }

  /** Resets the participants for a new run: idle, and the clock back to zero. */
  reset(workers: number): void {
    Atomics.store(this.cells, CLOCK, 0);
    for (let w = 0; w < workers; w++) Atomics.store(this.cells, HEADER + w * SLOT + STATE, WorkerState.Idle);
  }

  /** Lets `worker`'s pending step through. Returns the clock value of the release. */
  release(worker: number): number {
    const base = HEADER + worker * SLOT;
    const at = Atomics.add(this.cells, CLOCK, 1) + 1;
    Atomics.store(this.cells, base + RELEASED_AT, at);
    Atomics.store(this.cells, base + STATE, WorkerState.Running);
    Atomics.add(this.cells, base + GO, 1);
    Atomics.notify(this.cells, base + GO);
    return at;
  }

  /** The change counter, to wait on with `waitForChange`. */
  changes(): number {
    return Atomics.load(this.cells, CHANGES);
  }

  /**
   * Resolves once a worker changes state after `seen` (or `poke` is called), or `timeoutMs` passes;
   * false on timeout. It never blocks the calling thread: the coordinator runs on the main thread,
   * which must stay free to hear Ctrl-C and a worker thread's death.
   */
  async waitForChange(seen: number, timeoutMs: number): Promise<boolean> {
    // No spinning first: on 2 cores a spinning coordinator takes the CPU that the released
    // worker and its PostgreSQL backend need to finish the step (measured: ~40% slower per
    // schedule with a 0.3 ms spin under load), and waitAsync wakes as fast as a spin unloaded.
    const waiting = Atomics.waitAsync(this.cells, CHANGES, seen, timeoutMs);
    return (waiting.async ? await waiting.value : waiting.value) !== 'timed-out';
  }

  /** Wakes the coordinator's wait without any worker changing: an abort, a worker thread gone. */
  poke(): void {
    Atomics.add(this.cells, CHANGES, 1);
    Atomics.notify(this.cells, CHANGES);
  }
}
