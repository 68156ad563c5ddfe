/**
 * Race windows: the unit of evidence of a stress run.
 *
 * An op holds a key from the start of its first statement on the key to the end of its last one
 * (the check-then-insert gap lies between). A **race window** is an op whose hold on some key
 * overlapped another op's hold on the same key: only then could the two have raced. An op that
 * met nobody on its keys was no trial of the race, whatever it did, so a bound on how often the
 * race happens is a bound per window, not per op.
 *
 * Every worker closes its holds as each op ends, into one table in shared memory: per key slot, a
 * ring of the last holds closed there. Whichever of two overlapping holds closes second finds the
 * first in the ring and marks both ops, one bit per op: an op that held two contended keys is
 * still one window. Memory is fixed for the run: the rings are a constant size and the bits take
 * an eighth of a byte per planned op. A hold pushed out of its ring before its partner closed is
 * missed, which undercounts windows and only ever weakens a bound, never strengthens it.
 */

/** Key slots: keys hash into them; a slot's entries carry the key's hash, so slots never mix keys. */
const SLOTS = 1_024;
/** Holds kept per slot: far more than can close on one key during one op of another worker. */
const RING = 32;

// Int32 cells: [workers, ops per worker], then per slot: lock, next ring position.
const HEADER = 2;
const LOCKS = SLOTS * 2;
// Float64 cells per entry: key hash, start, end (microseconds on process.hrtime), worker, op.
const ENTRY = 5;
const ENTRIES_BYTES = SLOTS * RING * ENTRY * 8;

export function createWindowBuffer(workers: number, opsPerWorker: number): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(ENTRIES_BYTES + (HEADER + LOCKS + workers * Math.ceil(opsPerWorker / 32)) * 4);
  const header = new Int32Array(buffer, ENTRIES_BYTES, HEADER);
  header[0] = workers;
  header[1] = opsPerWorker;
  return buffer;
}

export class RaceWindows {
  private readonly cells: Int32Array;
  private readonly entries: Float64Array;
  /** One bit per op: set once the op is known to have opened a window. */
  private readonly marks: Int32Array;
  private readonly wordsPerWorker: number;

  constructor(buffer: SharedArrayBuffer) {
    this.entries = new Float64Array(buffer, 0, SLOTS * RING * ENTRY);
    const [workers, opsPerWorker] = new Int32Array(buffer, ENTRIES_BYTES, HEADER);
    this.wordsPerWorker = Math.ceil(opsPerWorker! / 32);
    this.cells = new Int32Array(buffer, ENTRIES_BYTES, HEADER + LOCKS);
    this.marks = new Int32Array(buffer, ENTRIES_BYTES + (HEADER + LOCKS) * 4, workers! * this.wordsPerWorker);
  }

  /** Ops that opened a race window, over all workers. Read it once the workers are done. */
  count(): number {
    let windows = 0;
    for (let i = 0; i < this.marks.length; i++) {
      let word = Atomics.load(this.marks, i) >>> 0;
      while (word !== 0) {
        word &= word - 1;
        windows++;
      }
    }
    return windows;
  }

  /** Closes op `op` (from 0) of `worker`'s hold on `key`, from `startUs` to `endUs`, and marks the windows it reveals. */
  close(key: string, startUs: number, endUs: number, worker: number, op: number): void {
    const hash = keyHash(key);
    const slot = hash % SLOTS;
    const lock = HEADER + slot * 2;
    // The critical section is a scan of one ring: a spin is cheaper than anything that sleeps.
    while (Atomics.compareExchange(this.cells, lock, 0, 1) !== 0);
    try {
      let overlapped = false;
      const base = slot * RING;
      for (let i = 0; i < RING; i++) {
        const at = (base + i) * ENTRY;
        // An empty entry has end 0, before any hold.
        if (this.entries[at] !== hash || this.entries[at + 1]! > endUs || this.entries[at + 2]! < startUs) continue;
        // Another op of the same worker never overlaps this one: a worker runs one op at a time.
        overlapped = true;
        this.mark(this.entries[at + 3]!, this.entries[at + 4]!);
      }
      if (overlapped) this.mark(worker, op);
      const next = lock + 1;
      const at = (base + this.cells[next]!) * ENTRY;
      this.cells[next] = (this.cells[next]! + 1) % RING;
      // Field by field: an array to copy from would be garbage on every hold of every op.
      const entries = this.entries;
      entries[at] = hash;
      entries[at + 1] = startUs;
      entries[at + 2] = endUs;
      entries[at + 3] = worker;
      entries[at + 4] = op;
    } finally {
      Atomics.store(this.cells, lock, 0);
    }
  }

  private mark(worker: number, op: number): void {
    // Ops beyond the bitmap (none, unless a timed run outlasts its cap) go uncounted: fewer windows, a weaker bound.
    if (op >= this.wordsPerWorker * 32) return;
    Atomics.or(this.marks, worker * this.wordsPerWorker + (op >>> 5), 1 << (op & 31));
  }
}

/**
 * A 52-bit hash of a key (two FNV-1a passes), exact in a float: two keys of one run share a hash
 * with odds of about n²/2^53, and would also have to overlap in time to be miscounted.
 */
export function keyHash(key: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x0100019d) + i;
  }
  return (a >>> 0) * 2 ** 20 + ((b >>> 0) & 0xfffff);
}

/** Holds an op keeps in a list before it indexes them by key: most ops hold one to three keys. */
const LISTED_HOLDS = 8;

/**
 * One op's holds on its keys, as its statements run: opened by the first statement on a key,
 * extended by each later one. It sits on every statement's path, so it reuses its arrays from op to
 * op rather than making a pair per hold, and finds a key by a scan of the few it holds; only an op
 * that holds many gets a Map.
 */
export class OpHolds {
  private readonly keys: string[] = [];
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private held = 0;
  /** Each held key's place in the arrays, once the op holds more than `LISTED_HOLDS`. */
  private index: Map<string, number> | undefined;

  /** A statement on `key`, or on none (BEGIN, COMMIT): a transaction's end extends every hold, since its rows stay locked until then. */
  hold(key: string | undefined, startUs: number, endUs: number): void {
    if (key === undefined) {
      for (let i = 0; i < this.held; i++) this.ends[i] = endUs;
      return;
    }
    const at = this.find(key);
    if (at >= 0) {
      this.ends[at] = endUs;
      return;
    }
    this.keys[this.held] = key;
    this.starts[this.held] = startUs;
    this.ends[this.held] = endUs;
    this.held++;
    if (this.index) this.index.set(key, this.held - 1);
    else if (this.held > LISTED_HOLDS) this.index = new Map(this.keys.slice(0, this.held).map((held, i) => [held, i]));
  }

  /** Hands every hold of op `op` (from 0) of `worker`, just ended, to the run's table, and starts afresh. */
  closeInto(windows: RaceWindows, worker: number, op: number): void {
    for (let i = 0; i < this.held; i++) windows.close(this.keys[i]!, this.starts[i]!, this.ends[i]!, worker, op);
    this.held = 0;
    this.index = undefined;
  }

  private find(key: string): number {
    if (this.index) return this.index.get(key) ?? -1;
    for (let i = 0; i < this.held; i++) if (this.keys[i] === key) return i;
    return -1;
  }
}
