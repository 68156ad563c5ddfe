import { outcomeOf } from '../harness/classify.ts';
import { defineScenario } from '../harness/define-scenario.ts';
import type { Outcome } from '../harness/contract/outcomes.ts';
import { getNewSessionKey, SESSION_PROPERTY } from './django-new-session-key.ts';

/**
 * What the database does to one of two transactions that cannot both commit, each one retried as
 * PostgreSQL's manual (13.5) lists them: serialization failures, deadlocks, and unique violations
 * when the key was chosen after reading, as here. InnoDB refuses them as deadlocks (1213), SQLite
 * as a stale snapshot (SQLITE_BUSY_SNAPSHOT, a serialization failure).
 */
const RETRIED: readonly (Outcome | undefined)[] = ['serialization_failure', 'deadlock', 'integrity_error'];

/** The naive check-then-insert inside a SERIALIZABLE transaction, retried when the database refuses it. */
export default defineScenario({
  name: 'serializable-save',
  property: SESSION_PROPERTY,
  expect: 'safe',
  why: 'SERIALIZABLE makes PostgreSQL refuse one of two racing transactions (40001, or 23505), and the refused one retries with a new key',
  origin: 'PostgreSQL manual, 13.2.3 "Serializable Isolation Level" and 13.5 "Serialization Failure Handling"',
  isolation: 'serializable',
  expectOn: {
    mysql: {
      expect: 'safe',
      why: "InnoDB's SERIALIZABLE makes the check a shared lock on the key's gap; when two clients both hold it, InnoDB rolls one back as a deadlock (1213) and it retries with a new key",
    },
    sqlite: {
      expect: 'safe',
      why: 'every SQLite transaction is serializable: one that read before another committed a write is refused when it writes (SQLITE_BUSY_SNAPSHOT), and retries with a new key',
    },
  },
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
        if (!RETRIED.includes(outcomeOf(error))) throw error;
        await ctx.store.rollback();
        ctx.retried();
      }
    }
  },
});
