import { defineScenario } from '../harness/define-scenario.ts';
import { getNewSessionKey, SESSION_PROPERTY } from './django-new-session-key.ts';

/**
 * `save()` on a new session since Django 1.6, where `Model.save()` tries an UPDATE by primary key
 * first and INSERTs only when it changed no row. A second client that drew the same key and got
 * "free" from the check UPDATEs the first client's fresh session: no error at all, and one user's
 * cookie now opens the other's session. When the UPDATE comes before the other INSERT, it is the
 * loud IntegrityError instead.
 */
export default defineScenario({
  name: 'naive-upsert',
  property: SESSION_PROPERTY,
  expect: 'unsafe',
  why: "an UPDATE that finds the other client's fresh row overwrites it without an error; an INSERT that loses the race raises IntegrityError",
  origin: 'django/db/models/base.py (1.6+): Model._save_table() → _do_update(), then _do_insert() when no row was updated',
  async op(ctx) {
    const key = await getNewSessionKey(ctx);
    const row = ctx.session(key);
    if ((await ctx.store.update(row)) === 0) await ctx.store.insert(row);
    return ctx.saved(row);
  },
});
