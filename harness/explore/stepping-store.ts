import { toErrorRecord } from '../error-record.ts';
import type { Isolation, SessionRow, SessionStore } from '../types.ts';
import type { StepRecord } from './step-log.ts';
import type { TurnstileGate } from './turnstile.ts';

/**
 * Wraps a store so that every statement is a step: before it, the worker waits at the turnstile
 * until the coordinator releases it; after it, the step and what it returned are recorded.
 * Gating is switched off for the final audit, which runs when nobody writes any more.
 */
export class SteppingStore implements SessionStore {
  gating = true;
  op = 0;
  readonly steps: StepRecord[] = [];

  constructor(
    private readonly inner: SessionStore,
    private readonly gate: TurnstileGate,
    private readonly worker: number,
  ) {}

  get inTransaction(): boolean {
    return this.inner.inTransaction;
  }

  get backendPid(): number {
    return this.inner.backendPid;
  }

  /** Runs `fn` as the step `step`; `describe` says what its result was. */
  async step<T>(step: string, key: string | undefined, fn: () => Promise<T>, describe: (value: T) => string): Promise<T> {
    if (!this.gating) return fn();
    const releasedAt = this.gate.awaitRelease();
    const record: StepRecord = { worker: this.worker, op: this.op, step, releasedAt, completedAt: 0, result: '' };
    if (key !== undefined) record.key = key;
    this.steps.push(record);
    try {
      const value = await fn();
      record.completedAt = this.gate.completed();
      record.result = describe(value);
      return value;
    } catch (error) {
      record.completedAt = this.gate.completed();
      const { code, message } = toErrorRecord(error);
      record.error = code === undefined ? { message } : { code, message };
      record.result = `${code ?? 'error'} ${message}`;
      throw error;
    }
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

  /** Tells the coordinator this worker has no more steps in this run. */
  finish(): void {
    this.gate.finish();
  }
}
