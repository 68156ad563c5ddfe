/**
 * A block of shared memory that every worker of a run sees: a start barrier, so that the workers
 * begin together and contend from their first op, and a stop flag the engine raises on Ctrl-C.
 * The buffer crosses threads in the task; each side wraps it once.
 */
const ARRIVED = 0;
const STOP = 1;

export function createControlBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
}

export class RunControl {
  private readonly cells: Int32Array;

  constructor(buffer: SharedArrayBuffer) {
    this.cells = new Int32Array(buffer);
  }

  requestStop(): void {
    Atomics.store(this.cells, STOP, 1);
    // Wakes workers still at the barrier, so they see the flag at once.
    Atomics.notify(this.cells, ARRIVED);
  }

  get stopRequested(): boolean {
    return Atomics.load(this.cells, STOP) === 1;
  }

  /** How many workers reached the barrier: for the message when it times out. */
  get arrivals(): number {
    return Atomics.load(this.cells, ARRIVED);
  }

  /**
   * Blocks this thread until `parties` workers have arrived or a stop is requested.
   * WARNING: it blocks the whole event loop, so call it only when nothing else is pending on it.
   * Returns false when the budget ran out first.
   */
  arriveAndWait(parties: number, timeoutMs: number): boolean {
    const deadline = Date.now() + timeoutMs;
    let arrived = Atomics.add(this.cells, ARRIVED, 1) + 1;
    if (arrived >= parties) {
      Atomics.notify(this.cells, ARRIVED);
      return true;
    }
    while (arrived < parties && !this.stopRequested) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) return false;
      Atomics.wait(this.cells, ARRIVED, arrived, remaining);
      arrived = Atomics.load(this.cells, ARRIVED);
    }
    return true;
  }
}
