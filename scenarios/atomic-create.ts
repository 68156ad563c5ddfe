import { defineScenario } from '../harness/define-scenario.ts';
import { isUniqueViolation } from '../harness/classify.ts';
import { getNewSessionKey, SESSION_PROPERTY } from './django-new-session-key.ts';

/**
 * Django's `SessionStore.create()`: the same check, but the INSERT is the real test. A unique
 * violation means another client won the key, so it draws again. The draw cap stands in for the
 * 10,000 tries of Django's cache backend: past it the op ends key_space_exhausted, never hangs.
 */
export default defineScenario({
  name: 'atomic-create',
  property: SESSION_PROPERTY,
  expect: 'safe',
  why: 'the unique key decides: an insert that collides is retried with a new key, so no caller sees the collision',
  origin: 'django/contrib/sessions/backends/db.py: create() → save(must_create=True), retried on CreateError',
  expectOn: {
    mysql: {
      expect: 'safe',
      why: "the unique key decides, and a collision is retried; but InnoDB refuses one of two INSERTs of a key whose row a third connection is deleting as a deadlock (1213), which create() does not retry: rare here, and with Django's 36^32 keys never",
    },
  },
  async op(ctx) {
    for (;;) {
      const key = await getNewSessionKey(ctx);
      const row = ctx.session(key);
      try {
        await ctx.store.insert(row);
        return ctx.saved(row);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        ctx.retried();
      }
    }
  },
});
