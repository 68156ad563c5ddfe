/**
 * A block of shared memory that every worker of a run sees: a start barrier, so that the workers
 * begin together and contend from their first op, and a stop flag the engine raises on Ctrl-C.
 */
const ARRIVED = 0;
const STOP = 1;

export function createControl(): SharedArrayBuffer {
  return new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
}

export function requestStop(control: SharedArrayBuffer): void {
  const cells = new Int32Array(control);
  Atomics.store(cells, STOP, 1);
  // Wakes workers still at the barrier, so they see the flag at once.
  Atomics.notify(cells, ARRIVED);
}

export function stopRequested(control: SharedArrayBuffer): boolean {
  return Atomics.load(new Int32Array(control), STOP) === 1;
}

/**
 * Blocks this thread until `parties` workers have arrived or a stop is requested.
 * WARNING: it blocks the whole event loop, so call it only when nothing else is pending on it.
 * Returns false when the budget ran out first.
 */
export function arriveAndWait(control: SharedArrayBuffer, parties: number, timeoutMs: number): boolean {
  const cells = new Int32Array(control);
  const deadline = Date.now() + timeoutMs;
  let arrived = Atomics.add(cells, ARRIVED, 1) + 1;
  if (arrived >= parties) {
    Atomics.notify(cells, ARRIVED);
    return true;
  }
  while (arrived < parties && Atomics.load(cells, STOP) === 0) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return false;
    Atomics.wait(cells, ARRIVED, arrived, remaining);
    arrived = Atomics.load(cells, ARRIVED);
  }
  return true;
}

/** How many workers reached the barrier: for the message when it times out. */
export function arrivals(control: SharedArrayBuffer): number {
  return Atomics.load(new Int32Array(control), ARRIVED);
}
