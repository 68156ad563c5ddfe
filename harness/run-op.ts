import { classifyError } from './classify.ts';
import { opScope } from './intercept/op-scope.ts';
import type { ObservedStore } from './observed-store.ts';
import { raisedAs, toErrorRecord } from './error-record.ts';
import type { LiveSessions } from './live-sessions.ts';
import { KeySpaceExhausted, type WorkerOpContext } from './op-context.ts';
import type { Outcome } from './contract/outcomes.ts';
import type { ErrorRecord } from './contract/results.ts';
import type { RunConfig } from './contract/run-config.ts';
import type { Scenario } from './contract/scenario.ts';
import { OpTimeout, type OpWatchdog } from './op-watchdog.ts';
import type { WorkerTally } from './worker-tally.ts';

/**
 * Runs op number `op` of a scenario and records how it ended. Shared by stress and explore
 * mode, so both judge an op the same way. Never throws: a thrown error is the op's outcome.
 */
export async function runOneOp(
  scenario: Scenario,
  ctx: WorkerOpContext,
  store: ObservedStore,
  config: RunConfig,
  op: number,
  live: LiveSessions,
  tally: WorkerTally,
  watchdog: OpWatchdog,
  /** Whether the op runs in an op scope, so that statements its own pool or ORM sends are its (intercept/op-scope.ts). */
  scoped = true,
): Promise<Outcome> {
  const { report } = tally;
  ctx.begin(op);
  store.lastStatementFailure = undefined;
  report.ops++;
  try {
    // Every statement the op's own code sends, through whatever pool, is this worker's (intercept/op-scope.ts).
    // Only op scenarios reach a worker: reproduce runs a command scenario's processes itself, and explore refuses one.
    const result = await watchdog.guard(scoped ? opScope.run(store, () => scenario.op!(ctx)) : scenario.op!(ctx));
    if (store.inTransaction) throw new Error(`${scenario.name}: op returned with its transaction still open`);
    tally.record('ok', op, undefined, undefined);
    if (result) {
      live.add(result.saved, op);
      report.saved++;
    }
    return 'ok';
  } catch (thrown) {
    if (thrown instanceof KeySpaceExhausted) {
      if (store.inTransaction) await store.rollback().catch(() => undefined);
      const message = `no free key after ${ctx.draws} draws from a key space of ${config.keySpace}`;
      tally.record('key_space_exhausted', op, ctx.lastKey, { message });
      return 'key_space_exhausted';
    }
    // A failed op must not leave its transaction open under the next one. A timed-out op's
    // statement may still hold the connection: a ROLLBACK would queue behind it, and the worker
    // stops anyway.
    if (store.inTransaction && !(thrown instanceof OpTimeout)) await store.rollback().catch(() => undefined);
    const { outcome, error } = thrown instanceof OpTimeout ? { outcome: 'indeterminate' as const, error: toErrorRecord(thrown) } : opFailure(thrown, store.lastStatementFailure);
    tally.record(outcome, op, ctx.lastKey, error);
    return outcome;
  } finally {
    report.draws += ctx.draws;
    report.retries += ctx.retries;
  }
}

/**
 * How an op that threw ended, and the error to show. The thrown error's own classification, or that
 * of the database error it wraps, comes first. An error that carries neither, thrown right after
 * the op's last statement failed with a classified error (a ROLLBACK aside), is that failure as the
 * op's code rendered it: an ORM that keeps nothing of the driver's error (Prisma's P2002 keeps only
 * its code's text) still reached the op through the database's refusal, which is the evidence.
 */
export function opFailure(thrown: unknown, failure: unknown): { outcome: Outcome; error: ErrorRecord } {
  const outcome = classifyError(thrown);
  if (outcome !== 'error' || failure === undefined) return { outcome, error: toErrorRecord(thrown) };
  return { outcome: classifyError(failure), error: { ...toErrorRecord(failure), raisedAs: raisedAs(thrown) } };
}
