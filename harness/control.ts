/**
 * A block of shared memory that every worker of a run sees: a start barrier, so that the workers
 * begin together and contend from their first op; a finish barrier, so that the final audit reads
 * the table only once nobody writes to it; and a stop flag the engine raises on Ctrl-C.
 * The buffer crosses threads in the task; each side wraps it once.
 */
const STARTED = 0;
const FINISHED = 1;
const STOP = 2;
/** Then, per worker: ops done and violations seen so far, for progress display. */
const PROGRESS = 3;

export type Barrier = 'start' | 'finish';
const CELL: Record<Barrier, number> = { start: STARTED, finish: FINISHED };

export function createControlBuffer(workers: number): SharedArrayBuffer {
  return new SharedArrayBuffer((PROGRESS + 2 * workers) * Int32Array.BYTES_PER_ELEMENT);
}

export class RunControl {
  private readonly cells: Int32Array;

  constructor(buffer: SharedArrayBuffer) {
    this.cells = new Int32Array(buffer);
  }

  /** Counts one op of `worker` done, and whether its caller saw it fail. */
  opDone(worker: number, violated: boolean): void {
    Atomics.add(this.cells, PROGRESS + 2 * worker, 1);
    if (violated) Atomics.add(this.cells, PROGRESS + 2 * worker + 1, 1);
  }

  /** Ops done and violations seen so far, over all workers. */
  progress(): { ops: number; violations: number } {
    let ops = 0;
    let violations = 0;
    for (let cell = PROGRESS; cell < this.cells.length; cell += 2) {
      ops += Atomics.load(this.cells, cell);
      violations += Atomics.load(this.cells, cell + 1);
    }
    return { ops, violations };
  }

  requestStop(): void {
    Atomics.store(this.cells, STOP, 1);
    // Wakes workers still at the start barrier, so they see the flag at once.
    Atomics.notify(this.cells, STARTED);
  }

  get stopRequested(): boolean {
    return Atomics.load(this.cells, STOP) === 1;
  }

  /** How many workers reached a barrier: for the message when it times out. */
  arrivals(barrier: Barrier): number {
    return Atomics.load(this.cells, CELL[barrier]);
  }

  /** Counts this worker in at a barrier without waiting: for a worker that leaves early. */
  arrive(barrier: Barrier): number {
    const arrived = Atomics.add(this.cells, CELL[barrier], 1) + 1;
    Atomics.notify(this.cells, CELL[barrier]);
    return arrived;
  }

  /**
   * Counts this worker in and blocks its thread until `parties` workers have arrived. A stop
   * request releases the start barrier at once; the finish barrier waits for everyone, since every
   * worker arrives there on every path.
   * WARNING: it blocks the whole event loop, so call it only when nothing else is pending on it.
   * Returns false when the budget ran out first.
   */
  arriveAndWait(barrier: Barrier, parties: number, timeoutMs: number): boolean {
    const cell = CELL[barrier];
    const deadline = Date.now() + timeoutMs;
    let arrived = this.arrive(barrier);
    while (arrived < parties && !(barrier === 'start' && this.stopRequested)) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) return false;
      Atomics.wait(this.cells, cell, arrived, remaining);
      arrived = Atomics.load(this.cells, cell);
    }
    return true;
  }
}
