import { defineScenario } from '../harness/define-scenario.ts';
import { SESSION_PROPERTY } from './django-new-session-key.ts';

/**
 * Serialise check and insert per key with a transaction-scoped advisory lock on the key's hash.
 * Whoever holds the lock checks and inserts alone; the next one checks after the first committed.
 * That holds in READ COMMITTED, where every statement sees what committed before it started. In
 * REPEATABLE READ and SERIALIZABLE the transaction's snapshot is taken by its first statement,
 * the lock statement itself, before the lock is granted: the check then cannot see the row it
 * waited for.
 */
export default defineScenario({
  name: 'advisory-lock',
  property: SESSION_PROPERTY,
  expect: 'safe',
  why: 'the advisory lock serialises check and insert per key, and in READ COMMITTED the check sees the previous holder\'s committed row',
  origin: 'SELECT pg_advisory_xact_lock(hashtext(key)) before the check, a common application-level lock',
  isolation: 'configured',
  expectUnder: {
    'repeatable-read': {
      expect: 'unsafe',
      why: 'the snapshot is taken by the lock statement before the lock is granted, so the check cannot see the row the previous holder committed',
    },
    serializable: {
      expect: 'unsafe',
      why: 'the snapshot is taken by the lock statement before the lock is granted; PostgreSQL then refuses the insert, and nothing retries',
    },
  },
  async op(ctx) {
    for (;;) {
      const key = ctx.key();
      await ctx.store.begin(ctx.isolation);
      await ctx.store.lockKey(key);
      if (await ctx.store.exists(key)) {
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
