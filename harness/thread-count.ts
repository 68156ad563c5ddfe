import { availableParallelism } from 'node:os';

/**
 * Threads for a run of `workers` clients: as many as asked, else half the cores (rounded up), and
 * never more than there are clients, since a thread without a client has nothing to do.
 *
 * Why half: the database usually runs on the same machine (the embedded one always does) and needs
 * the other cores. On 2 cores beside PostgreSQL 15, 4 and 16 clients on 1 thread sent 20–30% more
 * statements per second than on 2 (`racelab reproduce --threads 1` and `2`, three runs each; on the
 * embedded cluster the two were even), where the threads took CPU from the server.
 */
export function threadsFor(workers: number, requested?: number): number {
  return Math.min(requested ?? Math.ceil(availableParallelism() / 2), workers);
}
