/** What one run is configured with: its clients, ops, keys, isolation and time limits. */
import type { Isolation } from './store.ts';

/**
 * Where session keys come from:
 * - `shrunk`: K distinct keys, so collisions happen in seconds;
 * - `django`: the real key space, 32 characters of [a-z0-9] (36^32 ≈ 6.3·10^49 keys), each worker
 *   with its own generator, as Django's `get_random_string` behaves;
 * - `same-seed`: the real key space, but every worker's generator seeded alike, the
 *   fork-after-seeding bug that makes long keys collide in production.
 */
export type KeyMode = 'shrunk' | 'django' | 'same-seed';

export const KEY_MODES = ['shrunk', 'django', 'same-seed'] as const satisfies readonly KeyMode[];

/** The knobs of a run, identical for every scenario in one invocation. */
export interface RunConfig {
  /** Concurrent clients, each with its own connection, op order, owner tag and audit (`--clients`). */
  workers: number;
  /** Threads the workers are spread over (`--threads`, as pgbench's `-j`); at most `workers`. */
  threads: number;
  /** Ops per worker; with `durationMs`, the most a worker runs before its time is up. */
  opsPerWorker: number;
  /** Runs for this long instead of a count (`--duration`, as pgbench's `-T`). */
  durationMs?: number;
  /** Where keys come from; see key-modes.ts. */
  keys: KeyMode;
  /** Distinct keys: K with `keys: 'shrunk'`, 36^32 for the modes that draw from the real key space. */
  keySpace: number;
  /**
   * Target fraction of a shrunk key space held by live sessions; workers expire their oldest to
   * keep it. Ignored with a real key space, where every session lives through the run.
   */
  occupancy: number;
  /** Key draws one op may make before it ends `key_space_exhausted`. */
  maxAttempts: number;
  seed: number;
  /** The level of scenarios whose transactions take the configured isolation. */
  isolation: Isolation;
  /** An op that has not finished after this long ends `indeterminate`, and the run stops. */
  opTimeoutMs: number;
  /**
   * Race amplification (`--amplify`): shared key draws and holds after reads, seeded from `seed`
   * (amplify/amplifier.ts). Its rates say how the code behaves when the race is forced, not how
   * often the race happens.
   */
  amplify?: boolean;
}
