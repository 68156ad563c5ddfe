/** One step as a worker ran it in explore mode: plain data, sent to the coordinator after the run. */
export interface StepRecord {
  worker: number;
  op: number;
  /** The primitive, or the name a scenario gave its own step. */
  step: string;
  /** The session key the step was about, if any. */
  key?: string;
  /** The scenario's own value for `key` (its `keyValue`), when it declares one: set by the coordinator. */
  keyValue?: string;
  /** For a scenario's own statement (`ctx.db`, or its application's driver), the SQL it sent. */
  sql?: string;
  /** Clock value of the release and of the completion, on the run's shared clock. */
  releasedAt: number;
  completedAt: number;
  /** What the step returned, briefly (`false`, `1 row: count=0`, `ok`), or the error it raised. */
  result: string;
  error?: { code?: string; message: string };
}


/**
 * One statement of a lane (a process racelab does not run, reached through the wire proxy) as a
 * lane schedule held and released it: plain data, as `StepRecord` is for a worker's step.
 */
export interface LaneStepRecord {
  /** The lane's index in the schedule (what a `SchedulePolicy` calls a worker). */
  lane: number;
  /** The statement's number within its lane, from 1. */
  seq: number;
  sql: string;
  /** Clock values of its release and of its end, on the schedule's own clock; absent when it never had one. */
  releasedAt?: number;
  completedAt?: number;
  /**
   * The schedule moved on while it ran because the server said it waited for another lane's lock:
   * PostgreSQL's isolation tester prints such a step `<waiting ...>`.
   */
  waited: boolean;
  /**
   * What it returned, briefly (a command tag such as `INSERT 0 1`), `error`, `dropped` (its client
   * left while it was held: never sent), `lost` (its client left while it ran: it may or may not
   * have run), or `unfinished` when the schedule ended first.
   */
  result: string;
  /** The error it raised, in the database's own words. */
  error?: { code?: string; message: string };
}
