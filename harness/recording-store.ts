import { describeError, ObservedStore } from './observed-store.ts';
import type { SessionStore } from './types.ts';

/** One statement as stress mode recorded it, on the process-wide monotonic clock. */
export interface StepEvent {
  /** Worker and op numbers, counted from 1. */
  worker: number;
  op: number;
  step: string;
  key?: string;
  /** Microseconds on `process.hrtime`, the same clock in every thread of the process. */
  startUs: number;
  endUs: number;
  result: string;
}

/**
 * Records the first statements of a worker with their timings, so that the first collisions of a
 * run, which fall within them, can be shown as a timeline of both workers' steps. Past the limit
 * it records nothing: memory stays flat however long the run.
 */
export class RecordingStore extends ObservedStore {
  readonly events: StepEvent[] = [];

  constructor(
    inner: SessionStore,
    private readonly worker: number,
    private readonly limit: number,
  ) {
    super(inner);
  }

  protected observe<T>(step: string, key: string | undefined, fn: () => Promise<T>, describe: (value: T) => string): Promise<T> {
    // Past the limit a statement costs one comparison: no wrapping promise on the per-op path.
    return this.events.length >= this.limit ? fn() : this.record(step, key, fn, describe);
  }

  private async record<T>(step: string, key: string | undefined, fn: () => Promise<T>, describe: (value: T) => string): Promise<T> {
    const startUs = nowUs();
    const event: StepEvent = { worker: this.worker + 1, op: this.position.op + 1, step, startUs, endUs: startUs, result: '' };
    if (key !== undefined) event.key = key;
    this.events.push(event);
    try {
      const value = await fn();
      event.result = describe(value);
      return value;
    } catch (error) {
      event.result = describeError(error).text;
      throw error;
    } finally {
      event.endUs = nowUs();
    }
  }
}

function nowUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}
