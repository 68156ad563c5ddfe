import { defineScenario } from '../harness/define-scenario.ts';
import { getNewSessionKey, SESSION_PROPERTY } from './django-new-session-key.ts';

/**
 * Django 1.4's `SessionStore.save()` on a new session: find a free key, then INSERT once. A
 * second client that drew the same key between the check and the INSERT makes the INSERT fail,
 * and the IntegrityError reaches the view.
 */
export default defineScenario({
  name: 'naive-save',
  property: SESSION_PROPERTY,
  expect: 'unsafe',
  why: 'checks that the key is free, then inserts once: a client that takes the key in between makes the insert fail with IntegrityError',
  origin: 'django/contrib/sessions/backends/db.py (1.4): save() → _get_or_create_session_key() → obj.save() with no retry',
  async op(ctx) {
    const key = await getNewSessionKey(ctx);
    const row = ctx.session(key);
    await ctx.store.insert(row);
    return ctx.saved(row);
  },
});
