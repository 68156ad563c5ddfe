import { isUniqueViolation } from '../harness/classify.ts';
import { defineScenario } from '../harness/define-scenario.ts';
import { getNewSessionKey, SESSION_PROPERTY } from './django-new-session-key.ts';

const SERIALIZATION_FAILURE = '40001';

/**
 * The naive check-then-insert inside a SERIALIZABLE transaction, retried when PostgreSQL refuses
 * it. PostgreSQL's documentation advises retrying on serialization failures, and also on unique
 * violations when the key was chosen after reading, as here.
 */
export default defineScenario({
  name: 'serializable-save',
  property: SESSION_PROPERTY,
  expect: 'safe',
  why: 'SERIALIZABLE makes PostgreSQL refuse one of two racing transactions (40001, or 23505), and the refused one retries with a new key',
  origin: 'PostgreSQL manual, 13.2.3 "Serializable Isolation Level" and 13.4 on retrying serialization failures',
  isolation: 'serializable',
  async op(ctx) {
    for (;;) {
      await ctx.store.begin('serializable');
      try {
        const key = await getNewSessionKey(ctx);
        const row = ctx.session(key);
        await ctx.store.insert(row);
        await ctx.store.commit();
        return ctx.saved(row);
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (code !== SERIALIZATION_FAILURE && !isUniqueViolation(error)) throw error;
        await ctx.store.rollback();
        ctx.retried();
      }
    }
  },
});
