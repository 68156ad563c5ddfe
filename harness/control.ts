/**
 * A block of shared memory that every thread of a run sees: where each worker (one client, with its
 * own connection; a thread carries one or more) is, the deadline of what it is doing now, its
 * progress counters, and a stop flag.
 *
 * The two barriers are built on the phases: the start barrier, so that the workers begin together
 * and contend from their first op, and the finish barrier, so that the final audit reads the table
 * only once nobody writes to it. A barrier opens once every worker has reached it **or is gone**:
 * the engine marks a worker whose thread died or was terminated as gone, so nobody ever waits for
 * a thread that no longer exists.
 *
 * The deadlines are how the engine tells a worker that no longer answers (a synchronous loop in a
 * scenario) from one that is merely slow: a worker that is busy sets when it must be done; one
 * waiting at a barrier sets none.
 * The buffer crosses threads in the task; each side wraps it once.
 */
export const Phase = {
  Load: 0,
  Connect: 1,
  StartBarrier: 2,
  Run: 3,
  FinishBarrier: 4,
  Audit: 5,
  Done: 6,
  /** Set by the engine, never by the worker: its thread died or was terminated. */
  Gone: 7,
} as const;
export type Phase = (typeof Phase)[keyof typeof Phase];

export type Barrier = 'start' | 'finish';
const BARRIER_PHASE: Record<Barrier, Phase> = { start: Phase.StartBarrier, finish: Phase.FinishBarrier };

// Float64 epoch in the first 8 bytes, then Int32 cells.
const EPOCH_BYTES = 8;
const STOP = 0;
/** Bumped on every phase change and on stop: what the barriers sleep on. */
const CHANGES = 1;
const HEADER = 2;
const SLOT = 6;
const PHASE = 0;
/** Milliseconds after the epoch by which the worker must be done with what it does; 0: none. */
const DEADLINE = 1;
const OPS = 2;
const VIOLATIONS = 3;
const THREAD_ID = 4;
/** The op under way, counted from 1; 0 between ops. */
const OP = 5;

/** A clock every thread of the process reads alike, in milliseconds. */
function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

export function createControlBuffer(workers: number): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(EPOCH_BYTES + (HEADER + SLOT * workers) * Int32Array.BYTES_PER_ELEMENT);
  // Written once, before any worker sees the buffer.
  new Float64Array(buffer, 0, 1)[0] = wallNow();
  return buffer;
}

/** What the engine reads of one worker. */
export interface WorkerState {
  phase: Phase;
  /** The op under way, counted from 1, or 0. */
  op: number;
  /** Milliseconds past its deadline, or a negative number while within it or with none. */
  overdueMs: number;
  threadId: number;
}

export class RunControl {
  private readonly cells: Int32Array;
  private readonly epoch: number;
  readonly workers: number;

  constructor(buffer: SharedArrayBuffer) {
    this.cells = new Int32Array(buffer, EPOCH_BYTES);
    this.epoch = new Float64Array(buffer, 0, 1)[0]!;
    this.workers = (this.cells.length - HEADER) / SLOT;
  }

  private now(): number {
    return Math.max(1, Math.round(wallNow() - this.epoch));
  }

  private cell(worker: number, field: number): number {
    return HEADER + worker * SLOT + field;
  }

  /** Called by a worker as it starts, so the engine can terminate its thread if it stops answering. */
  hello(worker: number, threadId: number, budgetMs: number): void {
    Atomics.store(this.cells, this.cell(worker, THREAD_ID), threadId);
    this.enter(worker, Phase.Load, budgetMs);
  }

  /** Moves `worker` into `phase`, to be done within `budgetMs` (none while it waits at a barrier). */
  enter(worker: number, phase: Phase, budgetMs?: number): void {
    Atomics.store(this.cells, this.cell(worker, DEADLINE), budgetMs === undefined ? 0 : this.now() + budgetMs);
    this.setPhase(worker, phase);
  }

  /** Marks the start of op `op` (from 0): it and the expiry after it must be done within `budgetMs`. */
  opStarted(worker: number, op: number, budgetMs: number): void {
    Atomics.store(this.cells, this.cell(worker, OP), op + 1);
    Atomics.store(this.cells, this.cell(worker, DEADLINE), this.now() + budgetMs);
  }

  /** Counts one op of `worker` done, and whether its caller saw it fail. */
  opDone(worker: number, violated: boolean): void {
    Atomics.add(this.cells, this.cell(worker, OPS), 1);
    if (violated) Atomics.add(this.cells, this.cell(worker, VIOLATIONS), 1);
  }

  /** Marks a worker whose thread is gone: no barrier waits for it any more. */
  depart(worker: number): void {
    this.setPhase(worker, Phase.Gone);
  }

  state(worker: number): WorkerState {
    const deadline = Atomics.load(this.cells, this.cell(worker, DEADLINE));
    return {
      phase: Atomics.load(this.cells, this.cell(worker, PHASE)) as Phase,
      op: Atomics.load(this.cells, this.cell(worker, OP)),
      overdueMs: deadline === 0 ? -1 : this.now() - deadline,
      threadId: Atomics.load(this.cells, this.cell(worker, THREAD_ID)),
    };
  }

  /** Ops done and violations seen so far, over all workers. */
  progress(): { ops: number; violations: number } {
    let ops = 0;
    let violations = 0;
    for (let worker = 0; worker < this.workers; worker++) {
      ops += Atomics.load(this.cells, this.cell(worker, OPS));
      violations += Atomics.load(this.cells, this.cell(worker, VIOLATIONS));
    }
    return { ops, violations };
  }

  requestStop(): void {
    Atomics.store(this.cells, STOP, 1);
    this.changed();
  }

  get stopRequested(): boolean {
    return Atomics.load(this.cells, STOP) === 1;
  }

  /** How many workers reached a barrier or are gone: for the message when it times out. */
  arrivals(barrier: Barrier): number {
    let arrived = 0;
    for (let worker = 0; worker < this.workers; worker++) {
      if (Atomics.load(this.cells, this.cell(worker, PHASE)) >= BARRIER_PHASE[barrier]) arrived++;
    }
    return arrived;
  }

  /**
   * Counts `workers` (those of the calling thread) in at a barrier and blocks the thread until
   * every other worker has reached it or is gone. A stop request also opens the start barrier:
   * nobody should begin a run that ends.
   * WARNING: it blocks the whole event loop, so call it only from a worker thread and only when
   * nothing else is pending on it. Returns false when the budget ran out first.
   */
  arriveAndWait(workers: readonly number[], barrier: Barrier, timeoutMs: number): boolean {
    const deadline = Date.now() + timeoutMs;
    for (const worker of workers) this.enter(worker, BARRIER_PHASE[barrier]);
    for (;;) {
      const seen = Atomics.load(this.cells, CHANGES);
      if (this.arrivals(barrier) === this.workers || (barrier === 'start' && this.stopRequested)) return true;
      const remaining = deadline - Date.now();
      if (remaining <= 0) return false;
      Atomics.wait(this.cells, CHANGES, seen, remaining);
    }
  }

  private setPhase(worker: number, phase: Phase): void {
    // A worker marked gone stays gone, whatever a thread on its way out still writes.
    const at = this.cell(worker, PHASE);
    const current = Atomics.load(this.cells, at);
    if (current === Phase.Gone) return;
    Atomics.store(this.cells, at, phase);
    this.changed();
  }

  private changed(): void {
    Atomics.add(this.cells, CHANGES, 1);
    Atomics.notify(this.cells, CHANGES);
  }
}
