/**
 * The messages between the explore coordinator and its long-lived workers. Per-step traffic goes
 * through the turnstile's shared memory; these carry only what happens once per run.
 */
import type { MessagePort } from 'node:worker_threads';
import type { Outcome } from '../contract/outcomes.ts';
import type { ErrorRecord } from '../contract/results.ts';
import type { RunConfig } from '../contract/run-config.ts';
import type { StoreTarget } from '../contract/store.ts';
import type { SchedulePlan } from './schedule.ts';
import type { StepRecord } from './step-log.ts';
import type { Decision } from './turnstile.ts';
import type { WorkerReport } from '../protocol.ts';

export interface ExploreTask {
  scenarioModule: string;
  storeModule: string;
  target: StoreTarget;
  worker: number;
  turnstile: SharedArrayBuffer;
  /** The worker's end of its channel to the coordinator (transferred). */
  port: MessagePort;
}

export type ToWorker =
  /**
   * A run: its config, and its schedule policy as data when the workers may decide releases among
   * themselves. Once every participant is done (the turnstile says so) each audits what is still
   * live and reports.
   */
  | { type: 'run'; config: RunConfig; plan?: SchedulePlan }
  | { type: 'quit' };

export type FromWorker =
  | { type: 'ready'; backendPid: number }
  | { type: 'failed'; error: ErrorRecord }
  /** `decided`: the releases this worker decided itself, which the coordinator merges into the run's order. */
  | { type: 'result'; report: WorkerReport; steps: StepRecord[]; opOutcomes: Outcome[]; decided: Decision[] };
