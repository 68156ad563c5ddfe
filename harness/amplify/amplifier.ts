/**
 * Race amplification (`--amplify`): seeded perturbation that makes a narrow check-then-write race
 * happen often enough to see, without faking any of it. Two clients race only when they work on the
 * same key at the same moment, and with random keys that is rare: with c clients and K keys, at
 * most (c − 1)/K of an op's draws can meet another op's open window, however the statements are
 * timed. So timing alone cannot amplify much; the amplifier perturbs both things the race needs:
 *
 * - **Shared draws.** With probability SHARE_DRAW, `ctx.key()` returns the key another worker drew
 *   last (its current op's key) instead of a fresh one: two clients that drew the same key at the
 *   same moment, the ticket's premise, made common.
 * - **Holds after a read.** After a statement that reads (`exists`, a SELECT, a step its author
 *   named that sent no write) succeeds, the op waits a random MIN_HOLD_MS to MAX_HOLD_MS before its
 *   next statement: the check-then-write gap widened, so that the other client's check lands
 *   inside it. Only statements racelab sends for the op wait; an application's own driver's are
 *   seen as they are sent and never delayed.
 *
 * Every outcome still comes from the database: code that is safe against the race (an insert that
 * retries on conflict, ON CONFLICT) stays safe under it, it only retries more. Every decision is
 * drawn from the run's seed, the worker, the op and its place in the op (beginOp): the same seed
 * gives the same decisions (whether an op's n-th draw is shared and with which worker, whether its
 * n-th read is followed by a hold and for how long). Which key a shared draw gets, and the
 * interleaving that results, still depend on the machine's timing, as any stress run's do.
 *
 * What an amplified run measures is how the code behaves when the race is forced; it is no estimate
 * of how often the race happens unamplified, and the reports say so.
 */
import { deriveSeed, seededRandom, type Random } from '../random.ts';

/** Chance that a key draw takes another worker's last key. */
export const SHARE_DRAW = 0.5;
/** Chance that a successful read is followed by a hold, and the shortest and longest hold: a Node timer waits no less than 1 ms. */
export const HOLD_AFTER_READ = 0.5;
export const MIN_HOLD_MS = 1;
export const MAX_HOLD_MS = 2;
/** Keeps the amplifier's generators apart from the key generator of the same worker, and its two kinds of decision apart. */
const STREAM = 0x616d70;
const DRAW = 1;
const HOLD = 2;

/** The longest key shared between workers, in bytes: a Django session key is 32 ASCII characters. */
const KEY_BYTES = 64;

/** Each worker's last drawn key, in shared memory: [version, length] as Int32, then the key's bytes. */
export function createDrawBoard(workers: number): SharedArrayBuffer {
  return new SharedArrayBuffer(workers * (8 + KEY_BYTES));
}

/** racelab's own steps (and SQL verbs) that read: a write may follow them. */
const READS = new Set(['exists', 'read', 'select', 'existsForUpdate']);

/** Whether a statement that ended was a read: one of READS, or a step its author named that sent no write. */
export function isRead(step: string, named: boolean, wrote: string | undefined): boolean {
  return named ? wrote === undefined : READS.has(step);
}

export class Amplifier {
  private readonly base: number;
  private readonly versions: Int32Array;
  private readonly bytes: Uint8Array;
  private readonly workers: number;
  private op = 0;
  private draws = 0;
  private reads = 0;

  constructor(
    board: SharedArrayBuffer,
    private readonly worker: number,
    seed: number,
  ) {
    this.base = deriveSeed(seed ^ STREAM, worker);
    this.workers = board.byteLength / (8 + KEY_BYTES);
    this.versions = new Int32Array(board, 0, this.workers * 2);
    this.bytes = new Uint8Array(board, this.workers * 8);
  }

  /**
   * Op number `op` of the worker begins. Each decision is drawn from a generator of its own, seeded
   * by the op, what it decides (a draw, a hold) and how many of those the op made before: what the
   * earlier ops met (a key taken, a retry) never shifts a later op's decisions.
   */
  beginOp(op: number): void {
    this.op = op;
    this.draws = 0;
    this.reads = 0;
  }

  /** `fresh` with shared draws: see the module's comment. Every key it returns is published. */
  drawer(fresh: () => string): () => string {
    return () => {
      const random = this.decision(DRAW, this.draws++);
      const shared = this.workers > 1 && random() < SHARE_DRAW ? this.lastOf(this.otherWorker(random)) : undefined;
      const key = shared ?? fresh();
      this.publish(key);
      return key;
    };
  }

  /** Milliseconds to hold the op before its next statement, after one that `read` ended (0: none). */
  holdAfter(read: boolean): number {
    if (!read) return 0;
    const random = this.decision(HOLD, this.reads++);
    return random() < HOLD_AFTER_READ ? MIN_HOLD_MS + random() * (MAX_HOLD_MS - MIN_HOLD_MS) : 0;
  }

  private decision(kind: number, index: number): Random {
    return seededRandom(deriveSeed(deriveSeed(this.base ^ kind, this.op), index));
  }

  private otherWorker(random: Random): number {
    const other = Math.floor(random() * (this.workers - 1));
    return other >= this.worker ? other + 1 : other;
  }

  /** A seqlock: the version is odd while the key is written, so a reader never takes half a key. */
  private publish(key: string): void {
    const at = this.worker * 2;
    Atomics.add(this.versions, at, 1);
    const { written } = new TextEncoder().encodeInto(key.slice(0, KEY_BYTES), this.bytes.subarray(this.worker * KEY_BYTES, (this.worker + 1) * KEY_BYTES));
    Atomics.store(this.versions, at + 1, written);
    Atomics.add(this.versions, at, 1);
  }

  private lastOf(worker: number): string | undefined {
    const at = worker * 2;
    const before = Atomics.load(this.versions, at);
    if (before === 0 || before % 2 === 1) return undefined;
    const length = Atomics.load(this.versions, at + 1);
    const key = new TextDecoder().decode(this.bytes.slice(worker * KEY_BYTES, worker * KEY_BYTES + length));
    return Atomics.load(this.versions, at) === before ? key : undefined;
  }
}
