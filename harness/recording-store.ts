import { describeError, ObservedStore, resultText, type StatementResult } from './observed-store.ts';
import { microOps, type WorkerHistory } from './history.ts';
import { nowUs } from './monotonic-clock.ts';
import { OpHolds } from './race-windows.ts';
import type { StoreConnection } from './contract/store.ts';

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
  /** For a scenario's own statement (`ctx.db`, or its application's driver), the SQL it sent. */
  sql?: string;
}

/** A statement under way in stress mode: when it began, and its event when one is kept. */
interface RecordedMark {
  step: string;
  key: string | undefined;
  sql: string | undefined;
  startUs: number;
  event: StepEvent | undefined;
}

/**
 * Times every statement of a worker. All of them feed the op's holds on its keys, from which the
 * run counts its race windows (race-windows.ts). The first statements are also kept as events, so
 * that the first collisions of a run, which fall within them, can be shown as a timeline of both
 * workers' steps; past the limit none is kept: memory stays flat however long the run.
 */
export class RecordingStore extends ObservedStore<RecordedMark> {
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

  protected beginStatement(step: string, key: string | undefined, sql: string | undefined): RecordedMark {
    this.statements++;
    const startUs = nowUs();
    // Past the limit a statement is still timed for the holds, but kept as no event.
    let event: StepEvent | undefined;
    if (this.events.length < this.limit) {
      event = { worker: this.worker + 1, op: this.position.op + 1, step, startUs, endUs: 0, result: '' };
      if (key !== undefined) event.key = key;
      if (sql !== undefined) event.sql = sql;
      this.events.push(event);
    }
    return { step, key, sql, startUs, event };
  }

  protected endStatement(mark: RecordedMark, result: StatementResult | undefined, error?: unknown): void {
    const { step, key, event } = mark;
    const endUs = nowUs();
    if (result) {
      // Its words only where they are kept: past the limit, with no history, none are made.
      const text = event || (this.history && mark.sql !== undefined) ? resultText(result) : '';
      if (event) event.result = text;
      if (this.history) {
        this.history.statement(microOps(step, key, result.value, this.position.owner));
        if (mark.sql !== undefined) this.history.sql(mark.sql, text);
      }
    } else {
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
        if (mark.sql !== undefined) this.history.sql(mark.sql, text);
      }
    }
    if (event) {
      event.endUs = endUs;
      if (this.stepWrite !== undefined) event.wrote = this.stepWrite;
    }
    // Set only while a named step runs: cleared here, it never outlives the step's own event.
    this.stepWrite = undefined;
    this.holds.hold(key, mark.startUs, endUs);
  }
}
