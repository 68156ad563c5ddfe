import { availableParallelism } from 'node:os';

/**
 * Threads for a run of `workers` clients: as many as asked, else one per core, and never more
 * than there are clients, since a thread without a client has nothing to do.
 */
export function threadsFor(workers: number, requested?: number): number {
  return Math.min(requested ?? availableParallelism(), workers);
}
