import { describeError, ObservedStore } from './observed-store.ts';
import { microOps, type WorkerHistory } from './history.ts';
import { OpHolds } from './race-windows.ts';
import type { StoreConnection } from './types.ts';

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
  /**
   * What it returned, briefly (racelab's own words: `conflict`, `0 rows`), or the error it raised
   * with its code. A database's error text is for the reader only.
   */
  result: string;
  /**
   * Set when the statement raised an error. The timeline's marks are decided from this and from
   * `code`, never from the error's words, which differ from one database to the next.
   */
  failed?: true;
  /** The raised error's code as the store gave it (`23505`, `1062`, `SQLITE_CONSTRAINT_PRIMARYKEY`), when it had one. */
  code?: string;
  /** For a step its author named (`ctx.step('create', …)`), the first write it sent (`insert`): what it did, whatever its name. */
  wrote?: string;
}

/**
 * Times every statement of a worker. All of them feed the op's holds on its keys, from which the
 * run counts its race windows (race-windows.ts). The first statements are also kept as events, so
 * that the first collisions of a run, which fall within them, can be shown as a timeline of both
 * workers' steps; past the limit none is kept: memory stays flat however long the run.
 */
export class RecordingStore extends ObservedStore {
  readonly events: StepEvent[] = [];
  /** The current op's holds on its keys; the worker closes them into the run's table after each op. */
  readonly holds = new OpHolds();
  /** With `--history`: told what each statement read and wrote. */
  history: WorkerHistory | undefined;
  /** The current op's last failed statement, `23505 duplicate key …`, for its history entry. */
  lastError: string | undefined;
  /** Statements sent so far, for the run's statements per second. */
  statements = 0;

  constructor(
    inner: StoreConnection,
    private readonly worker: number,
    private readonly limit: number,
  ) {
    super(inner);
  }

  protected observe<T>(step: string, key: string | undefined, fn: () => Promise<T>, describe: (value: T) => string): Promise<T> {
    // Past the limit a statement is still timed for the holds, but kept as no event.
    const event = this.events.length < this.limit ? this.newEvent(step, key) : undefined;
    return this.time(step, key, fn, describe, event);
  }

  private newEvent(step: string, key: string | undefined): StepEvent {
    const event: StepEvent = { worker: this.worker + 1, op: this.position.op + 1, step, startUs: 0, endUs: 0, result: '' };
    if (key !== undefined) event.key = key;
    this.events.push(event);
    return event;
  }

  private async time<T>(step: string, key: string | undefined, fn: () => Promise<T>, describe: (value: T) => string, event: StepEvent | undefined): Promise<T> {
    this.statements++;
    const startUs = nowUs();
    if (event) event.startUs = startUs;
    try {
      const value = await fn();
      if (event) event.result = describe(value);
      this.history?.statement(microOps(step, key, value, this.position.owner));
      return value;
    } catch (error) {
      const { text, code } = describeError(error);
      if (event) {
        event.result = text;
        event.failed = true;
        if (code !== undefined) event.code = code;
      }
      // With --history: the op's error for its entry, and the write it attempted.
      if (this.history) {
        this.lastError = text;
        if (key !== undefined && /^(insert|insertIfAbsent|update)$/.test(step)) this.history.statement([['w', key, this.position.owner]]);
      }
      throw error;
    } finally {
      const endUs = nowUs();
      if (event) {
        event.endUs = endUs;
        if (this.stepWrite !== undefined) event.wrote = this.stepWrite;
      }
      // Set only while a named step runs: cleared here, it never outlives the step's own event.
      this.stepWrite = undefined;
      this.holds.hold(key, startUs, endUs);
    }
  }
}

/** Microseconds on `process.hrtime`: one monotonic clock for every thread of the process. */
export function nowUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}
