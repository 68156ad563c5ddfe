import type { Isolation, SessionRow, SessionStore } from './types.ts';

/**
 * A store that routes every statement through one hook, `step`, so that a subclass can watch or
 * hold each statement (explore's turnstile, stress mode's timeline recorder) without repeating
 * the list of primitives.
 */
export abstract class ObservedStore implements SessionStore {
  constructor(protected readonly inner: SessionStore) {}

  /** Runs the statement `fn`, named `step` (about `key`); `describe` says briefly what it returned. */
  protected abstract step<T>(step: string, key: string | undefined, fn: () => Promise<T>, describe: (value: T) => string): Promise<T>;

  get inTransaction(): boolean {
    return this.inner.inTransaction;
  }
  get backendPid(): number {
    return this.inner.backendPid;
  }
  exists(key: string) {
    return this.step('exists', key, () => this.inner.exists(key), String);
  }
  existsForUpdate(key: string) {
    return this.step('existsForUpdate', key, () => this.inner.existsForUpdate(key), String);
  }
  insert(row: SessionRow) {
    return this.step('insert', row.key, () => this.inner.insert(row), () => 'ok');
  }
  insertIfAbsent(row: SessionRow) {
    return this.step('insertIfAbsent', row.key, () => this.inner.insertIfAbsent(row), (inserted) => (inserted ? 'inserted' : 'conflict'));
  }
  update(row: SessionRow) {
    return this.step('update', row.key, () => this.inner.update(row), (rows) => `${rows} row${rows === 1 ? '' : 's'}`);
  }
  lockKey(key: string) {
    return this.step('lockKey', key, () => this.inner.lockKey(key), () => 'ok');
  }
  begin(isolation: Isolation) {
    return this.step('begin', undefined, () => this.inner.begin(isolation), () => 'ok');
  }
  commit() {
    return this.step('commit', undefined, () => this.inner.commit(), () => 'ok');
  }
  rollback() {
    return this.step('rollback', undefined, () => this.inner.rollback(), () => 'ok');
  }
  read(keys: readonly string[]) {
    return this.step('read', keys.length === 1 ? keys[0] : undefined, () => this.inner.read(keys), (rows) => `${rows.size} row${rows.size === 1 ? '' : 's'}`);
  }
  deleteOwned(row: SessionRow) {
    return this.step('deleteOwned', row.key, () => this.inner.deleteOwned(row), (deleted) => (deleted ? 'deleted' : 'not mine'));
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
