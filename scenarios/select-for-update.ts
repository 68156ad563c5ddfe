import { defineScenario } from '../harness/define-scenario.ts';
import { SESSION_PROPERTY } from './django-new-session-key.ts';

/**
 * The popular non-fix: check the key with `SELECT … FOR UPDATE` inside a transaction, then
 * INSERT. `FOR UPDATE` locks rows that exist; a key nobody holds yet has no row to lock, so two
 * clients pass the check together exactly as before.
 */
export default defineScenario({
  name: 'select-for-update',
  property: SESSION_PROPERTY,
  expect: 'unsafe',
  why: 'FOR UPDATE locks only rows that exist: an absent key is not locked, so two clients still both see it free and both insert',
  origin: 'Session.objects.select_for_update().filter(session_key=key).exists() inside transaction.atomic(), a fix often suggested for #18344-style races',
  isolation: 'configured',
  async op(ctx) {
    for (;;) {
      const key = ctx.key();
      await ctx.store.begin(ctx.isolation);
      if (await ctx.store.existsForUpdate(key)) {
        await ctx.store.rollback();
        continue;
      }
      const row = ctx.session(key);
      await ctx.store.insert(row);
      await ctx.store.commit();
      return ctx.saved(row);
    }
  },
});
