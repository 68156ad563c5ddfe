import { describeError, ObservedStore } from '../observed-store.ts';
import type { StoreConnection } from '../types.ts';
import type { StepRecord } from './step-log.ts';
import type { TurnstileGate } from './turnstile.ts';

/**
 * Wraps a store so that every statement is a step: before it, the worker waits at the turnstile
 * until the coordinator releases it; after it, the step and what it returned are recorded.
 * Gating is switched off for the final audit, which runs when nobody writes any more.
 */
export class SteppingStore extends ObservedStore {
  gating = true;
  readonly steps: StepRecord[] = [];

  constructor(
    inner: StoreConnection,
    private readonly gate: TurnstileGate,
    private readonly worker: number,
  ) {
    super(inner);
  }

  protected async observe<T>(step: string, key: string | undefined, fn: () => Promise<T>, describe: (value: T) => string): Promise<T> {
    if (!this.gating) return fn();
    const releasedAt = this.gate.awaitRelease();
    const record: StepRecord = { worker: this.worker, op: this.position.op, step, releasedAt, completedAt: 0, result: '' };
    if (key !== undefined) record.key = key;
    this.steps.push(record);
    try {
      const value = await fn();
      record.completedAt = this.gate.completed();
      record.result = describe(value);
      return value;
    } catch (error) {
      record.completedAt = this.gate.completed();
      const { text, code, message } = describeError(error);
      record.error = code === undefined ? { message } : { code, message };
      record.result = text;
      throw error;
    }
  }

  /** Tells the coordinator this worker has no more steps in this run. */
  finish(): void {
    this.gate.finish();
  }
}
