import { defineScenario } from '../harness/define-scenario.ts';
import { SESSION_PROPERTY } from './django-new-session-key.ts';

/**
 * Serialise check and insert per key with a transaction-scoped advisory lock on the key's hash.
 * Whoever holds the lock checks and inserts alone; the next one checks after the first committed.
 * That holds in READ COMMITTED, where every statement sees what committed before it started. On
 * PostgreSQL, in REPEATABLE READ and SERIALIZABLE the transaction's snapshot is taken by its first
 * statement, the lock statement itself, before the lock is granted: the check then cannot see the
 * row it waited for. InnoDB takes its snapshot later, at the first read of a table; but its
 * SERIALIZABLE locks gaps, and gaps are shared by different keys.
 */
export default defineScenario({
  name: 'advisory-lock',
  property: SESSION_PROPERTY,
  expect: 'safe',
  why: 'the advisory lock serialises check and insert per key, and in READ COMMITTED the check sees the previous holder\'s committed row',
  origin: 'SELECT pg_advisory_xact_lock(hashtext(key)) (MySQL: GET_LOCK) before the check, a common application-level lock',
  isolation: 'configured',
  needs: ['advisory-locks'],
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
  expectOn: {
    mysql: {
      expect: 'safe',
      why: "GET_LOCK serialises check and insert per key, and in READ COMMITTED the check sees the previous holder's committed row",
      under: {
        'repeatable-read': {
          expect: 'safe',
          why: "InnoDB takes the snapshot at the transaction's first read of a table, the check, which comes after GET_LOCK returns: the check sees the previous holder's committed row",
        },
        serializable: {
          expect: 'unsafe',
          why: 'SERIALIZABLE makes the check a shared lock on the gap around the key: two clients checking different keys in one gap both hold it, and their INSERTs deadlock (1213), which nothing retries',
        },
      },
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
