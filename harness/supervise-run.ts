/**
 * The main thread's watch over the workers of one run. The workers cannot be trusted to end
 * their own run: a thread can die of an exception that escapes a scenario's timer callback, or
 * spin in a synchronous loop where no timer of its own ever fires again. So the engine watches
 * from outside, through the run's shared memory (control.ts):
 * - a thread that died is marked gone at once, so no barrier waits for it, and the others stop;
 * - a thread past its deadline by more than a grace has stopped answering, and is terminated (its
 *   stack cannot be had: the inspector's pause and its sampler both miss a loop entered from a
 *   promise continuation, as a scenario's op is);
 * - after an abort, threads still running after a short grace (a statement waiting on a lock, a
 *   loop) are terminated, so Ctrl-C ends the run within a second or two whatever they do.
 * The main thread never blocks: it only polls the shared memory from a timer.
 */
import { Phase, type RunControl } from './control.ts';
import { toErrorRecord } from './error-record.ts';
import type { FailurePhase, WorkerFailureRecord, WorkerReport, WorkerTask } from './protocol.ts';
import type { WorkerPool } from './worker-pool.ts';
import { WorkerTally } from './worker-tally.ts';

const POLL_MS = 100;
/** How long workers get to stop on their own after an abort before their threads are terminated. */
const ABORT_GRACE_MS = 500;

/**
 * How far past its deadline a worker may be before it is taken as not answering. A worker's own
 * watchdog ends an op that outlives `--op-timeout` within a quarter of it (at most a second), so
 * this leaves that and a second more for a busy machine.
 */
export function unresponsiveAfterMs(opTimeoutMs: number): number {
  return 1_000 + Math.min(1_000, opTimeoutMs / 4);
}

export interface SuperviseOptions {
  opTimeoutMs: number;
  signal?: AbortSignal;
}

/** Runs one task per worker and returns their reports, in worker order, once every one has ended. */
export async function superviseRun(
  pool: WorkerPool,
  control: RunControl,
  tasks: readonly WorkerTask[],
  options: SuperviseOptions,
): Promise<WorkerReport[]> {
  const reports: (WorkerReport | undefined)[] = tasks.map(() => undefined);
  const failures: (WorkerFailureRecord | undefined)[] = tasks.map(() => undefined);
  const ended = tasks.map(() => false);
  const givenUp = tasks.map(() => deferred());
  const terminating = new Set<number>();

  const fail = (worker: number, failure: WorkerFailureRecord) => {
    failures[worker] ??= failure;
    control.depart(worker);
    control.requestStop();
  };
  const runs = tasks.map((task, worker) =>
    pool
      .run(task)
      .then(
        (report) => void (reports[worker] = report),
        (reason: unknown) => {
          // A thread this watch terminated after an abort ended as intended.
          if (terminating.has(worker) && failures[worker] === undefined) return;
          fail(worker, { ...where(control, worker), cause: 'died', error: toErrorRecord(reason) });
        },
      )
      .finally(() => (ended[worker] = true)),
  );

  /** Terminates a worker's thread; `failure` says why, or is undefined after an abort. */
  const terminate = async (worker: number, failure: WorkerFailureRecord | undefined) => {
    terminating.add(worker);
    if (failure) failures[worker] ??= failure;
    const { threadId } = control.state(worker);
    // A thread that has not announced itself yet cannot be told apart in the pool: stop waiting
    // for it, and the pool's destruction ends it.
    if (threadId !== 0) await pool.terminate(threadId).catch(() => undefined);
    control.depart(worker);
    control.requestStop();
    givenUp[worker]!.resolve();
  };

  const abortedAt = { at: Number.POSITIVE_INFINITY };
  const onAbort = () => {
    control.requestStop();
    abortedAt.at = performance.now();
  };
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort);
  const grace = unresponsiveAfterMs(options.opTimeoutMs);
  const watch = setInterval(() => {
    const sinceAbort = performance.now() - abortedAt.at;
    tasks.forEach((_, worker) => {
      if (ended[worker] || terminating.has(worker)) return;
      const state = control.state(worker);
      if (sinceAbort > ABORT_GRACE_MS) {
        // Ending it is part of the interruption, not a failure of the run: the result is marked
        // interrupted, and this worker's ops, which it never reported, are not counted.
        void terminate(worker, undefined);
      } else if (state.overdueMs > grace) {
        const doing = state.phase === Phase.Run ? `op ${state.op} and the expiry after it` : `its ${failurePhase(state.phase)} phase`;
        const budget = state.phase === Phase.Run ? ` (--op-timeout ${options.opTimeoutMs} ms)` : '';
        const message = `stopped answering: ${doing} ran ${Math.round(state.overdueMs)} ms past its deadline${budget} without the thread's own watchdog getting a turn, as in a synchronous loop; its thread was terminated`;
        void terminate(worker, { ...where(control, worker), cause: 'terminated', error: { message } });
      }
    });
  }, POLL_MS);
  try {
    await Promise.all(runs.map((run, worker) => Promise.race([run, givenUp[worker]!.promise])));
  } finally {
    clearInterval(watch);
    options.signal?.removeEventListener('abort', onAbort);
  }
  return tasks.map((_, worker) => {
    const failure = failures[worker];
    if (failure === undefined) return reports[worker] ?? new WorkerTally(worker).report;
    // A thread that ended abnormally sent no report: its ops are not counted, and the run says so.
    const report = reports[worker] ?? new WorkerTally(worker).report;
    report.failure = failure;
    return report;
  });
}

/** Where a worker is now, as a failure names it. */
function where(control: RunControl, worker: number): { phase: FailurePhase; op?: number } {
  const { phase, op } = control.state(worker);
  return phase === Phase.Run && op > 0 ? { phase: 'op', op } : { phase: failurePhase(phase) };
}

function failurePhase(phase: Phase): FailurePhase {
  switch (phase) {
    case Phase.Load:
      return 'load';
    case Phase.Connect:
      return 'connect';
    case Phase.StartBarrier:
      return 'start-barrier';
    case Phase.Run:
      return 'op';
    case Phase.FinishBarrier:
      return 'finish-barrier';
    default:
      return 'audit';
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
