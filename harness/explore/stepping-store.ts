import { describeError, ObservedStore, resultText, type StatementResult } from '../observed-store.ts';
import type { StoreConnection } from '../contract/store.ts';
import type { StepRecord } from './step-log.ts';
import type { TurnstileGate } from './turnstile.ts';

/**
 * Wraps a store so that every statement is a step: before it, the worker waits at the turnstile
 * until the coordinator releases it; after it, the step and what it returned are recorded.
 * Gating is switched off for the final audit, which runs when nobody writes any more.
 */
export class SteppingStore extends ObservedStore<StepRecord | undefined> {
  gating = true;
  readonly steps: StepRecord[] = [];

  constructor(
    inner: StoreConnection,
    private readonly gate: TurnstileGate,
    private readonly worker: number,
  ) {
    super(inner);
  }

  protected beginStatement(step: string, key: string | undefined, sql: string | undefined, serverId: number | undefined): StepRecord | undefined {
    if (!this.gating) return undefined;
    // The connection the step runs on: the worker's own, or one of its application's pool.
    const releasedAt = this.gate.awaitRelease(serverId ?? this.inner.backendPid);
    const record: StepRecord = { worker: this.worker, op: this.position.op, step, releasedAt, completedAt: 0, result: '' };
    if (key !== undefined) record.key = key;
    if (sql !== undefined) record.sql = sql;
    this.steps.push(record);
    return record;
  }

  protected endStatement(record: StepRecord | undefined, result: StatementResult | undefined, error?: unknown): void {
    if (!record) return;
    record.completedAt = this.gate.completed();
    if (result) {
      record.result = resultText(result);
      return;
    }
    const { text, code, message } = describeError(error);
    record.error = code === undefined ? { message } : { code, message };
    record.result = text;
  }

  /**
   * Tells the coordinator this worker has no more steps in this run. A statement sent after it (a
   * pool reconnecting in the background, say) runs ungated: nobody would release it.
   */
  finish(): void {
    this.gating = false;
    this.gate.finish();
  }
}
