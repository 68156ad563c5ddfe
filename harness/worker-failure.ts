import type { WorkerFailureRecord } from './protocol.ts';

/** A worker's failure as reports name it: the worker's number, counted from 1, and its record. */
type WorkerFailure = WorkerFailureRecord & { worker: number };

const CAUSE: Record<WorkerFailure['cause'], string> = {
  error: 'failed',
  died: 'died (its thread ended on an exception that escaped)',
  terminated: 'was terminated',
};

/** One line on a worker that could not do its share: who, where, how, and the first line of why. */
export function describeWorkerFailure(failure: WorkerFailure): string {
  const where = failure.op === undefined ? failure.phase : `${failure.phase === 'op' ? 'op' : `${failure.phase} after op`} ${failure.op}`;
  return `worker ${failure.worker} ${CAUSE[failure.cause]} during ${where}: ${failure.error.message.split('\n')[0]}`;
}
