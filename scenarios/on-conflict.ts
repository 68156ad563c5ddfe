import { defineScenario } from '../harness/define-scenario.ts';
import { SESSION_PROPERTY } from './django-new-session-key.ts';

/**
 * One statement that checks and inserts at once: `INSERT … ON CONFLICT DO NOTHING RETURNING` on
 * PostgreSQL, `INSERT … ON DUPLICATE KEY UPDATE` that changes nothing on MySQL. The unique index
 * decides atomically; when the key was taken, draw again.
 */
export default defineScenario({
  name: 'on-conflict',
  property: SESSION_PROPERTY,
  expect: 'safe',
  why: 'the check and the insert are one statement decided by the unique index: there is no gap between them to race in',
  origin: 'PostgreSQL 9.5+ INSERT … ON CONFLICT, MySQL INSERT … ON DUPLICATE KEY UPDATE; Django bulk_create(ignore_conflicts=True) and get_or_create patterns built on them',
  async op(ctx) {
    for (;;) {
      const key = ctx.key();
      const row = ctx.session(key);
      if (await ctx.store.insertIfAbsent(row)) return ctx.saved(row);
      ctx.retried();
    }
  },
});
