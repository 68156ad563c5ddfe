import type { OpContext, OpResult } from './contract/scenario.ts';
import type { Isolation, QueryClient, RunDatabase, SessionRow, StoreConnection } from './contract/store.ts';

/** Thrown by `ctx.key()` past the draw cap: the op ends `key_space_exhausted`. */
export class KeySpaceExhausted extends Error {
  override name = 'KeySpaceExhausted';
}

/** Two weeks, Django's default `SESSION_COOKIE_AGE`. */
const SESSION_AGE_MS = 1_209_600_000;

/**
 * The context a worker hands to each of its ops, and what the op did with it. One instance
 * serves every op of a worker, reset between ops: it sits on the per-op path.
 */
export class WorkerOpContext implements OpContext {
  /** Keys drawn by the current op. */
  draws = 0;
  /** Collisions the current op absorbed. */
  retries = 0;
  /** The last key drawn: the key an op that failed was saving. */
  lastKey: string | undefined;
  private data = '';
  owner = '';
  /** The current op's index within its worker, from 0. */
  op = 0;

  constructor(
    readonly store: StoreConnection,
    private readonly draw: () => string,
    private readonly maxAttempts: number,
    private readonly worker: number,
    readonly isolation: Isolation,
    readonly database: RunDatabase,
    /** What the scenario's `connect` made for this worker. */
    readonly connection: unknown = undefined,
  ) {}

  /** Prepares the context for op number `op` of this worker. */
  begin(op: number): this {
    this.draws = 0;
    this.retries = 0;
    this.lastKey = undefined;
    // Numbered from 1, as every label racelab prints.
    this.owner = `w${this.worker + 1}:op${op + 1}`;
    this.data = `{"owner":"${this.owner}"}`;
    this.op = op;
    return this;
  }

  get db(): QueryClient {
    return this.store.db;
  }

  key(): string {
    // The cap keeps a full key space from hanging the run; the message is completed by run-op, which knows the key space.
    if (this.draws >= this.maxAttempts) throw new KeySpaceExhausted(`no free key after ${this.draws} draws`);
    this.draws++;
    this.lastKey = this.draw();
    return this.lastKey;
  }

  step<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return this.store.step(name, fn);
  }

  session(key: string): SessionRow {
    return { key, data: this.data, expireDate: new Date(Date.now() + SESSION_AGE_MS) };
  }

  retried(): void {
    this.retries++;
  }

  saved(row: SessionRow): OpResult {
    return { saved: row };
  }
}

