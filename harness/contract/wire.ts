/**
 * The wire contract: how a store lets the harness see the statements of a process racelab did not
 * load, one that connects to the database itself (a command scenario's program, in any
 * language). The store runs a proxy between the process and the run's database; the harness gets
 * each statement as plain values, its error already classified in racelab's outcomes.
 */
import type { Outcome } from './outcomes.ts';
import type { ErrorRecord } from './results.ts';

/** One statement a process sent, as the proxy saw it end. */
export interface WireStatement {
  /** Its SQL: a query's text, or the texts of an extended-protocol batch joined by `; `. */
  sql: string;
  /** Microseconds on racelab's monotonic clock (harness/monotonic-clock.ts): when it was forwarded, and when its answer came. */
  startUs: number;
  endUs: number;
  /**
   * `ready`: the server answered it; `lost`: it was sent, and its connection ended before the
   * answer (it may or may not have run); `dropped`: never sent, its client left first.
   */
  ended: 'ready' | 'lost' | 'dropped';
  /** What it returned, briefly: the command tags (`INSERT 0 1`), or the error's code and words. */
  result: string;
  /** The error the server answered with, and the outcome the store classifies it as. */
  error?: { record: ErrorRecord; outcome?: Outcome };
}

/** What the harness is told, and how it may hold a statement. */
export interface WireObserver {
  /** Awaited before a statement is forwarded: the process sends nothing more until it resolves. */
  beforeStatement?(): Promise<void>;
  /** Every statement, once, as it ended. */
  statement(statement: WireStatement): void;
}

/** A proxy into one run's namespace, for one process. */
export interface WireProxy {
  /** The run's connection string (`RunDatabase.url`), pointing at the proxy. */
  readonly url: string;
  /** Stops listening and closes every connection through it. */
  close(): Promise<void>;
}
