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

