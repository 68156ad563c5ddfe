import type { RunConfig } from './contract/run-config.ts';

/**
 * How many live sessions each worker keeps so that, together, they hold about
 * `occupancy × keySpace` keys: the steady state in which collisions go on at a constant rate
 * however long the run. The remainder goes to the first workers so the quotas add up exactly.
 */
export function liveQuotas(keySpace: number, occupancy: number, workers: number): number[] {
  const total = Math.round(keySpace * occupancy);
  const base = Math.floor(total / workers);
  const remainder = total % workers;
  return Array.from({ length: workers }, (_, worker) => base + (worker < remainder ? 1 : 0));
}

/**
 * The live quotas of a run. With a real key space no occupancy is reachable (a quarter of 36^32
 * rows), and sessions live far longer than a run anyway: every session stays.
 */
export function liveQuotasFor(config: Pick<RunConfig, 'keys' | 'keySpace' | 'occupancy' | 'workers'>): number[] {
  if (config.keys !== 'shrunk') return Array.from({ length: config.workers }, () => Number.POSITIVE_INFINITY);
  return liveQuotas(config.keySpace, config.occupancy, config.workers);
}
