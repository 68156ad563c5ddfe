import { Piscina } from 'piscina';
import type { ThreadTask, WorkerReport } from './protocol.ts';

const WORKER_ENTRY = new URL('./worker-entry.mjs', import.meta.url).href;

/** A pool of exactly `threads` warm worker threads, one task each at a time. */
export interface WorkerPool {
  readonly threads: number;
  /** Runs a thread's share of a run; one report per worker it carries, in its order. */
  run(task: ThreadTask): Promise<WorkerReport[]>;
  /**
   * Ends the thread with this `threadId` at once, even in the middle of a synchronous loop; its
   * task then rejects and the pool starts a fresh thread in its place.
   */
  terminate(threadId: number): Promise<void>;
  destroy(): Promise<void>;
}

export function createWorkerPool(threads: number): WorkerPool {
  const piscina = new Piscina<ThreadTask, WorkerReport[]>({
    filename: WORKER_ENTRY,
    minThreads: threads,
    maxThreads: threads,
    // One task per thread: the start barrier blocks its thread, so two tasks on one thread
    // would wait for each other forever.
    concurrentTasksPerWorker: 1,
    idleTimeout: Number.POSITIVE_INFINITY,
  });
  // A thread that dies between tasks (a scenario's timer firing after its op was abandoned) has no
  // task to fail, and Piscina reports it as an 'error' event, which unheard would end the process.
  // The run it belonged to has already been judged without it; the pool replaces the thread.
  piscina.on('error', () => undefined);
  let destroyed: Promise<void> | undefined;
  return {
    threads,
    run: (task) => piscina.run(task),
    async terminate(threadId) {
      await piscina.threads.find((thread) => thread.threadId === threadId)?.terminate();
    },
    // Once: the pool's owner may end it early and again in its cleanup.
    destroy: () => (destroyed ??= piscina.destroy()),
  };
}
