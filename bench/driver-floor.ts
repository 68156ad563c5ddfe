/**
 * The floor racelab stands on: node-postgres alone, with no harness, sending naive-save's
 * statements (racelab's SQL text, prepared, sent as racelab's store sends them) from `clients`
 * connections, with the same key space, expiry pattern and live quotas, spread over the same
 * number of worker threads as racelab's run, round robin as racelab spreads its workers. What
 * racelab loses to pgbench beyond what this loses is racelab's own; the rest is Node's and the
 * driver's.
 */
import { Worker } from 'node:worker_threads';
import { liveQuotas } from '../harness/occupancy.ts';
import type { StoreTarget } from '../harness/contract/store.ts';
import type { FloorMessage, FloorShare } from './driver-floor-thread.ts';

const THREAD_MODULE = new URL('./driver-floor-entry.mjs', import.meta.url);

export async function driverFloor(
  target: StoreTarget,
  options: { clients: number; threads: number; seconds: number; keySpace: number; occupancy: number },
): Promise<number> {
  const { clients, threads, seconds, keySpace, occupancy } = options;
  const shares: FloorShare[] = Array.from({ length: threads }, () => ({ url: target.url, schema: target.schema, keySpace, seconds, clients: [] }));
  liveQuotas(keySpace, occupancy, clients).forEach((quota, worker) => shares[worker % threads]!.clients.push({ worker, quota }));
  const workers = shares.map((share) => new Worker(THREAD_MODULE, { workerData: share }));
  try {
    const replies = workers.map((worker) => replyQueue(worker));
    // Every thread connected before any starts, as racelab's start barrier does.
    await Promise.all(replies.map((next) => next()));
    for (const worker of workers) worker.postMessage('go');
    const done = (await Promise.all(replies.map((next) => next()))) as { statements: number; elapsedMs: number }[];
    return done.reduce((sum, thread) => sum + (thread.statements / thread.elapsedMs) * 1000, 0);
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

/** The messages a thread sends, one per call, or its error. */
function replyQueue(worker: Worker): () => Promise<FloorMessage> {
  const waiting: { resolve: (message: FloorMessage) => void; reject: (error: unknown) => void }[] = [];
  const arrived: FloorMessage[] = [];
  let failed: unknown;
  worker.on('message', (message: FloorMessage) => (waiting.length > 0 ? waiting.shift()!.resolve(message) : arrived.push(message)));
  const fail = (error: unknown) => {
    failed ??= error;
    for (const w of waiting.splice(0)) w.reject(error);
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`driver floor thread exited with code ${code} before it answered`)));
  return () =>
    arrived.length > 0 ? Promise.resolve(arrived.shift()!) : failed !== undefined ? Promise.reject(failed) : new Promise((resolve, reject) => waiting.push({ resolve, reject }));
}
