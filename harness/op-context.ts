import type { OpContext, OpResult, SessionRow, SessionStore } from './types.ts';

/** Two weeks, Django's default `SESSION_COOKIE_AGE`. */
const SESSION_AGE_MS = 1_209_600_000;

/** What an op's context records for the worker loop once the op is over. */
export interface OpTally {
  draws: number;
  retries: number;
  /** The last key drawn: the key an op that failed was saving. */
  lastKey: string | undefined;
}

/** Builds the context of op `op` of worker `worker`, and the tally it fills in. */
export function createOpContext(
  store: SessionStore,
  draw: () => string,
  maxDraws: number,
  worker: number,
  op: number,
): { ctx: OpContext; tally: OpTally } {
  const tally: OpTally = { draws: 0, retries: 0, lastKey: undefined };
  const data = `{"owner":"w${worker}:op${op}"}`;
  const ctx: OpContext = {
    store,
    drawKey() {
      if (tally.draws >= maxDraws) return undefined;
      tally.draws++;
      tally.lastKey = draw();
      return tally.lastKey;
    },
    session: (key: string): SessionRow => ({ key, data, expireDate: new Date(Date.now() + SESSION_AGE_MS) }),
    retried() {
      tally.retries++;
    },
    saved: (row: SessionRow): OpResult => ({ saved: row }),
    exhausted: (): OpResult => ({ exhausted: { draws: tally.draws } }),
  };
  return { ctx, tally };
}
