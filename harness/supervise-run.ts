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
import type { FailurePhase, ThreadTask, WorkerFailureRecord, WorkerReport } from './protocol.ts';
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

/**
 * Runs one task per thread and returns the reports of every worker, in worker order, once every
 * thread has ended. A thread that dies or is terminated takes all its workers with it.
 */
export async function superviseRun(
  pool: WorkerPool,
  control: RunControl,
  tasks: readonly ThreadTask[],
  options: SuperviseOptions,
): Promise<WorkerReport[]> {
  const reports: (WorkerReport | undefined)[] = Array.from({ length: control.workers }, () => undefined);
  const failures: (WorkerFailureRecord | undefined)[] = reports.map(() => undefined);
  const workersOf = tasks.map((task) => task.workers.map((share) => share.worker));
  const ended = tasks.map(() => false);
  const givenUp = tasks.map(() => deferred());
  const terminating = new Set<number>();

  const runs = tasks.map((task, thread) =>
    pool
      .run(task)
      .then(
        (threadReports) => threadReports.forEach((report) => void (reports[report.worker] = report)),
        (reason: unknown) => {
          const workers = workersOf[thread]!;
          // A thread this watch terminated after an abort ended as intended.
          if (terminating.has(thread) && workers.every((worker) => failures[worker] === undefined)) return;
          const error = toErrorRecord(reason);
          // Every worker of the thread ended with it; which of them threw cannot be told.
          if (workers.length > 1) error.message += ` (thrown on the thread which carried ${listed(workers.map((worker) => `w${worker + 1}`))}; which of them threw it cannot be told)`;
          for (const worker of workers) {
            failures[worker] ??= { ...where(control, worker), cause: 'died', error };
            control.depart(worker);
          }
          control.requestStop();
        },
      )
      .finally(() => (ended[thread] = true)),
  );

  /** Terminates a thread; `failureOf` says why for each of its workers, or is undefined after an abort. */
  const terminate = async (thread: number, failureOf: ((worker: number) => WorkerFailureRecord) | undefined) => {
    terminating.add(thread);
    const workers = workersOf[thread]!;
    if (failureOf) for (const worker of workers) failures[worker] ??= failureOf(worker);
    // A thread that has not announced itself yet cannot be told apart in the pool: stop waiting
    // for it, and the pool's destruction ends it.
    const threadId = workers.map((worker) => control.state(worker).threadId).find((id) => id !== 0);
    if (threadId !== undefined) await pool.terminate(threadId).catch(() => undefined);
    for (const worker of workers) control.depart(worker);
    control.requestStop();
    givenUp[thread]!.resolve();
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
    tasks.forEach((_, thread) => {
      if (ended[thread] || terminating.has(thread)) return;
      if (sinceAbort > ABORT_GRACE_MS) {
        // Ending it is part of the interruption, not a failure of the run: the result is marked
        // interrupted, and its workers' ops, which it never reported, are not counted.
        void terminate(thread, undefined);
        return;
      }
      const stuck = workersOf[thread]!.find((worker) => control.state(worker).overdueMs > grace);
      if (stuck === undefined) return;
      const state = control.state(stuck);
      const doing = state.phase === Phase.Run ? `op ${state.op} and the expiry after it` : `its ${failurePhase(state.phase)} phase`;
      const budget = state.phase === Phase.Run ? ` (--op-timeout ${options.opTimeoutMs} ms)` : '';
      const message = `stopped answering: ${doing} ran ${Math.round(state.overdueMs)} ms past its deadline${budget} without the thread's own watchdog getting a turn, as in a synchronous loop; its thread was terminated`;
      void terminate(thread, (worker) =>
        worker === stuck
          ? { ...where(control, worker), cause: 'terminated', error: { message } }
          : { ...where(control, worker), cause: 'terminated', error: { message: `its thread was terminated because w${stuck + 1}, on the same thread, stopped answering` } },
      );
    });
  }, POLL_MS);
  try {
    await Promise.all(runs.map((run, thread) => Promise.race([run, givenUp[thread]!.promise])));
  } finally {
    clearInterval(watch);
    options.signal?.removeEventListener('abort', onAbort);
  }
  return reports.map((received, worker) => {
    // A thread that ended abnormally sent no report: its workers' ops are not counted, and the run says so.
    const report = received ?? new WorkerTally(worker).report;
    const failure = failures[worker];
    if (failure !== undefined) report.failure = failure;
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

/** `w1 and w3`, `w1, w3 and w5`. */
function listed(names: readonly string[]): string {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
