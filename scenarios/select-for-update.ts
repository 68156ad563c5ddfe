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
  needs: ['row-locks'],
  expectOn: {
    mysql: {
      expect: 'unsafe',
      why: 'InnoDB locks the gap where an absent key would go, and gap locks never conflict with each other',
      under: {
        'read-committed': {
          expect: 'unsafe',
          why: "InnoDB takes no gap locks in READ COMMITTED: FOR UPDATE on an absent key locks nothing, both clients insert, and the second INSERT fails with 1062 once the first commits",
        },
        'repeatable-read': {
          expect: 'unsafe',
          why: "FOR UPDATE on an absent key takes a gap lock that both clients get (gap locks never conflict); each INSERT then waits for the other's gap lock, and InnoDB rolls one back as a deadlock (1213)",
        },
        serializable: {
          expect: 'unsafe',
          why: "as in REPEATABLE READ: both clients get the gap lock, each INSERT waits for the other's, and InnoDB rolls one back as a deadlock (1213)",
        },
      },
    },
  },
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
