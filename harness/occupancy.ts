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
