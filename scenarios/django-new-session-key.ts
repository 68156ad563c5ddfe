import type { OpContext } from '../harness/contract/scenario.ts';

/** The property every session scenario is checked against: the ticket's. */
export const SESSION_PROPERTY = 'a new session is saved without error';

/**
 * Django's `SessionBase._get_new_session_key()`: draw a random key until `exists()` says it is
 * free. The check and the later INSERT are separate statements, so "free" can be stale by the
 * time the INSERT arrives: the race of ticket #18344.
 * Django loops forever on a full key space; here `ctx.key()` throws at the draw cap and the op
 * ends `key_space_exhausted`.
 */
export async function getNewSessionKey(ctx: OpContext): Promise<string> {
  for (;;) {
    const key = ctx.key();
    if (!(await ctx.store.exists(key))) return key;
  }
}
