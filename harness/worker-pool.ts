import { Piscina } from 'piscina';
import type { WorkerReport, WorkerTask } from './protocol.ts';

const WORKER_ENTRY = new URL('./worker-entry.mjs', import.meta.url).href;

/** A pool of exactly `threads` warm worker threads, one task each at a time. */
export interface WorkerPool {
  run(task: WorkerTask): Promise<WorkerReport>;
  destroy(): Promise<void>;
}

export function createWorkerPool(threads: number): WorkerPool {
  const piscina = new Piscina<WorkerTask, WorkerReport>({
    filename: WORKER_ENTRY,
    minThreads: threads,
    maxThreads: threads,
    // One task per thread: the start barrier blocks its thread, so two tasks on one thread
    // would wait for each other forever.
    concurrentTasksPerWorker: 1,
    idleTimeout: Number.POSITIVE_INFINITY,
  });
  return {
    run: (task) => piscina.run(task),
    destroy: () => piscina.destroy(),
  };
}
