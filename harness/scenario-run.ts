import type { WorkerReport } from './protocol.ts';

/** One scenario's run under way, whoever does its ops: racelab's worker threads, or a command's processes. */
export interface ScenarioRun {
  /** Ops done so far, and the loud violations among them: what progress shows. */
  progress(): { ops: number; violations: number };
  /** Each worker's report, and the run's race windows, once every worker has ended. */
  done: Promise<{ reports: WorkerReport[]; windows: number }>;
}
