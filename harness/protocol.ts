/**
 * The messages between the engine and its worker threads: plain data only, since `postMessage`
 * keeps nothing else.
 */
import type { UncontrolledStatements } from './intercept/uncontrolled.ts';
import type { StepEvent } from './recording-store.ts';
import type { OutcomeCounts } from './contract/outcomes.ts';
import type { ErrorRecord, OpSample } from './contract/results.ts';
import type { RunConfig } from './contract/run-config.ts';
import type { StoreTarget } from './contract/store.ts';

/** A sample as a worker sends it; the engine adds the scenario's name and the timeline. */
export type WorkerSample = Omit<OpSample, 'scenario' | 'timeline'>;

/**
 * One thread's share of a run: the workers it carries. A worker is one client of the database,
 * with its own connection, op order, owner tag and audit; a thread runs its workers' ops
 * concurrently on its event loop, as pgbench's `-j` threads run its `-c` clients.
 */
export interface ThreadTask {
  /** URL of a module whose default export is a scenario made with `defineScenario`. */
  scenarioModule: string;
  /** URL of a module whose default export opens a `SessionStore` (an `OpenStore`). */
  storeModule: string;
  target: StoreTarget;
  config: RunConfig;
  workers: WorkerShare[];
  /** The run's control block, shared by every worker and the engine: phases, deadlines, progress, the stop flag (see control.ts). */
  control: SharedArrayBuffer;
  /** The run's table of key holds, where the workers count race windows (see race-windows.ts). */
  windows: SharedArrayBuffer;
  /** With `--amplify`: each worker's last drawn key, for shared draws (amplify/amplifier.ts). */
  drawBoard?: SharedArrayBuffer;
  /** With `--history`: the run's zero on the shared clock. */
  historyZeroUs?: number;
  /**
   * False: the drivers stay unpatched and ops run outside an op scope: for a scenario that sends
   * only through its context (a built-in), and for the interception bench's reference.
   */
  interceptDrivers?: false;
}

/** One worker's part of a thread's task. */
export interface WorkerShare {
  /** This worker's index, from 0. */
  worker: number;
  /** Live sessions this worker keeps; past it, it expires its oldest. */
  liveQuota: number;
  /** With `--history`: the file this worker streams its ops to. */
  historyPath?: string;
}

/** What a worker sends back: counts and a bounded sample, never one record per op. */
export interface WorkerReport {
  worker: number;
  ops: number;
  outcomes: OutcomeCounts;
  /** Collisions the scenario absorbed by retrying with a new key. */
  retries: number;
  /** Keys drawn, over all ops. */
  draws: number;
  /** Ops that saved a session (returned `ctx.saved(row)`). */
  saved: number;
  /** Statements its ops and their expiries sent (a named step counts once); the final audit's are not counted. */
  statements: number;
  /** The first few ops of each failing outcome, in the order they happened. */
  samples: WorkerSample[];
  /** Milliseconds from the start barrier's release to the end of the worker's last op. */
  elapsedMs: number;
  /** When the start barrier released it, in milliseconds since the epoch; 0 if it never ran. */
  releasedAt: number;
  /** The worker's first statements with their timings, for the timelines of the first collisions. */
  steps: StepEvent[];
  /** Statements its ops' code sent that racelab could not schedule (another driver's, a synchronous one's); absent when none. */
  uncontrolled?: UncontrolledStatements;
  /** Set when the worker could not do its share. */
  failure?: WorkerFailureRecord;
}

/** Where a worker was when it failed: `op` is op number `op` (from 1); `expire` the expiry after it. */
export type FailurePhase = 'load' | 'connect' | 'start-barrier' | 'op' | 'expire' | 'finish-barrier' | 'audit';

/**
 * How a worker failed: it reported an `error` itself; its thread `died` of an exception that
 * escaped (a throw in a scenario's timer callback, say); or it stopped answering past its
 * deadline (a synchronous loop) and the engine `terminated` its thread.
 */
export type FailureCause = 'error' | 'died' | 'terminated';

export interface WorkerFailureRecord {
  phase: FailurePhase;
  cause: FailureCause;
  /** The op it was in, counted from 1, when it failed during one. */
  op?: number;
  error: ErrorRecord;
}
