import { isWriteStep } from './write-steps.ts';
import type { Isolation, QueryClient, SessionRow, StoreConnection } from './types.ts';

/** An op's place in its worker's run, as its context knows it. */
export interface OpPosition {
  /** The op's index within its worker, from 0. */
  readonly op: number;
  readonly lastKey: string | undefined;
  /** The op's name, `w2:op17`: what its writes store. */
  readonly owner: string;
}

/**
 * A store that routes every statement through one hook, `observe`, so that a subclass can watch or
 * hold each statement (explore's turnstile, stress mode's timeline recorder) without repeating
 * the list of primitives. A scenario's own queries (`db`) and named steps (`step`) pass the same
 * hook; statements inside a named step are part of it.
 */
export abstract class ObservedStore implements StoreConnection {
  /**
   * Where the worker's op stands: which op it is, and the key it drew last, the key of steps
   * that name none. The worker hands over its op context once; nothing is copied per op.
   */
  position: OpPosition = { op: 0, lastKey: undefined, owner: '' };
  private insideStep = false;
  /**
   * Inside a named step, the first write the step sent (`insert`, `update` …: a primitive's name or
   * a query's verb), so that a step named by its author (`ctx.step('create', …)`) is known for the
   * write it made, not for its name. Undefined for a step that sent no write.
   */
  protected stepWrite: string | undefined;
  readonly db: QueryClient;

  constructor(protected readonly inner: StoreConnection) {
    this.db = {
      query: <Row,>(text: string, values?: readonly unknown[]) =>
        this.step_(sqlVerb(text), this.position.lastKey, () => this.inner.db.query<Row>(text, values), (r) => `${r.rowCount} row${r.rowCount === 1 ? '' : 's'}`),
    };
  }

  /** Runs the statement `fn`, named `step` (about `key`); `describe` says briefly what it returned. */
  protected abstract observe<T>(step: string, key: string | undefined, fn: () => Promise<T>, describe: (value: T) => string): Promise<T>;

  /** Routes `fn` through the hook unless a named step already did: a step is observed once. */
  private step_<T>(step: string, key: string | undefined, fn: () => Promise<T>, describe: (value: T) => string): Promise<T> {
    if (!this.insideStep) return this.observe(step, key, fn, describe);
    if (this.stepWrite === undefined && isWriteStep(step)) this.stepWrite = step;
    return fn();
  }

  async step<T>(name: string, fn: () => Promise<T>): Promise<T> {
    if (this.insideStep) return fn();
    this.stepWrite = undefined;
    return this.observe(name, this.position.lastKey, async () => {
      this.insideStep = true;
      try {
        return await fn();
      } finally {
        this.insideStep = false;
      }
    }, describeValue);
  }

  get inTransaction(): boolean {
    return this.inner.inTransaction;
  }
  get backendPid(): number {
    return this.inner.backendPid;
  }
  exists(key: string) {
    return this.step_('exists', key, () => this.inner.exists(key), String);
  }
  existsForUpdate(key: string) {
    return this.step_('existsForUpdate', key, () => this.inner.existsForUpdate(key), String);
  }
  insert(row: SessionRow) {
    return this.step_('insert', row.key, () => this.inner.insert(row), () => 'ok');
  }
  insertIfAbsent(row: SessionRow) {
    return this.step_('insertIfAbsent', row.key, () => this.inner.insertIfAbsent(row), (inserted) => (inserted ? 'inserted' : 'conflict'));
  }
  update(row: SessionRow) {
    return this.step_('update', row.key, () => this.inner.update(row), (rows) => `${rows} row${rows === 1 ? '' : 's'}`);
  }
  lockKey(key: string) {
    return this.step_('lockKey', key, () => this.inner.lockKey(key), () => 'ok');
  }
  begin(isolation: Isolation) {
    return this.step_('begin', undefined, () => this.inner.begin(isolation), () => 'ok');
  }
  commit() {
    return this.step_('commit', undefined, () => this.inner.commit(), () => 'ok');
  }
  rollback() {
    return this.step_('rollback', undefined, () => this.inner.rollback(), () => 'ok');
  }
  read(keys: readonly string[]) {
    return this.step_('read', keys.length === 1 ? keys[0] : undefined, () => this.inner.read(keys), (rows) => `${rows.size} row${rows.size === 1 ? '' : 's'}`);
  }
  deleteOwned(row: SessionRow) {
    return this.step_('deleteOwned', row.key, () => this.inner.deleteOwned(row), (deleted) => (deleted ? 'deleted' : 'not mine'));
  }
  close() {
    return this.inner.close();
  }
}

/** A short form of what a failed statement raised: `23505 duplicate key value …`. */
export function describeError(error: unknown): { text: string; code?: string; message: string } {
  const { code, message } = error as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : String(error);
  return typeof code === 'string' ? { text: `${code} ${text}`, code, message: text } : { text: `error ${text}`, message: text };
}

/** The statement's first word, lower-cased: the name of a scenario's own query as a step. */
function sqlVerb(text: string): string {
  return /^\s*(\w+)/.exec(text)?.[1]?.toLowerCase() ?? 'query';
}

/** What a named step returned, briefly: a query result's row count, or `ok`. */
function describeValue(value: unknown): string {
  const rows = (value as { rowCount?: unknown } | null)?.rowCount;
  return typeof rows === 'number' ? `${rows} row${rows === 1 ? '' : 's'}` : 'ok';
}
