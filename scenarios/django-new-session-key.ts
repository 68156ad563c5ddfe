import type { OpContext } from '../harness/types.ts';

/** The property every session scenario is checked against: the ticket's. */
export const SESSION_PROPERTY = 'a new session is saved without error';

/**
 * Django's `SessionBase._get_new_session_key()`: draw a random key until `exists()` says it is
 * free. The check and the later INSERT are separate statements, so "free" can be stale by the
 * time the INSERT arrives: the race of ticket #18344.
 * Returns `undefined` when the draw cap runs out (Django would loop forever on a full key space).
 */
export async function getNewSessionKey(ctx: OpContext): Promise<string | undefined> {
  for (let key = ctx.drawKey(); key !== undefined; key = ctx.drawKey()) {
    if (!(await ctx.store.exists(key))) return key;
  }
  return undefined;
}
