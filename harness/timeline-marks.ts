import type { StepEvent } from './recording-store.ts';
import { byOp, changedRow, lockReleases, makesRow, mayWait, opId } from './statement-locks.ts';

/**
 * How soon after another op let a lock go a statement that waited for it gets its result: the
 * waiter wakes, finishes, and its result crosses its worker's event loop. Under a millisecond here,
 * with room for a loaded machine.
 */
const HANDOVER_US = 2_000;

/** What a timeline marks, decided from the facts recorded on each statement: its timing, whether it raised an error, and its code. */
export interface TimelineMarks {
  /** `✗ failed`: the statement that raised the op's error. */
  failed?: StepEvent;
  /** `◀ won`: the other op's write that made what the failed statement ran into. */
  won?: StepEvent;
  /** `waited for`: each statement that most likely waited for another op's lock, and the statement named for that lock. */
  waitedFor: Map<StepEvent, StepEvent>;
}

/**
 * The marks of a timeline of `steps`, given the statement that raised its op's error (none for a
 * violation no statement raised: the audit's). At most one statement is marked failed, at most one
 * won, and a statement is shown waiting only for one that began before it and ended before it did,
 * so two statements are never each shown waiting for the other.
 */
export function timelineMarks(steps: readonly StepEvent[], failed: StepEvent | undefined): TimelineMarks {
  const releases = lockReleases(steps);
  const ops = byOp(steps);
  const won = failed && winnerOf(failed, steps, ops, releases);
  const waitedFor = new Map<StepEvent, StepEvent>();
  for (const e of steps) {
    const waited = waitOf(e, releases);
    if (waited) waitedFor.set(e, waited);
  }
  return { ...(failed && { failed }), ...(won && { won }), waitedFor };
}

/**
 * The op's statement that raised its error: its last that failed with the error's code, else its
 * last that failed (an error without a code, or one the op raised itself has none to match).
 */
export function failingStep(ownSteps: readonly StepEvent[], code: string | undefined): StepEvent | undefined {
  const withCode = code === undefined ? undefined : ownSteps.findLast((e) => e.failed && e.code === code);
  return withCode ?? ownSteps.findLast((e) => e.failed);
}

/**
 * The other op's write that made what `failed` ran into: the latest of the writes to its key that
 * began before it ended, changed a row, and were kept. For an insert that is a write that made a
 * row, since the row is what it ran into; for any other statement, any write to the row.
 */
function winnerOf(failed: StepEvent, steps: readonly StepEvent[], ops: Map<string, StepEvent[]>, releases: Map<StepEvent, StepEvent>): StepEvent | undefined {
  let winner: StepEvent | undefined;
  for (const e of steps) {
    if (opId(e) === opId(failed) || e.key !== failed.key || e.startUs > failed.endUs || !changedRow(e)) continue;
    if (makesRow(failed) && !makesRow(e)) continue;
    if (!kept(e, ops.get(opId(e))!, releases.get(e))) continue;
    if (!winner || e.startUs > winner.startUs) winner = e;
  }
  return winner;
}

/**
 * Whether a write stayed: it was autocommitted, or its transaction was committed, and its op raised
 * no error from it to then. A write whose transaction's end was not recorded stays unless its op
 * raised an error after it.
 */
function kept(write: StepEvent, opSteps: readonly StepEvent[], release: StepEvent | undefined): boolean {
  if (release !== undefined && release !== write && (release.step !== 'commit' || release.failed)) return false;
  const until = release?.startUs ?? Number.POSITIVE_INFINITY;
  return !opSteps.some((e) => e.failed && e.startUs > write.startUs && e.startUs <= until);
}

/**
 * The statement to name for the other op's lock that `e` most likely waited for. That lock is on
 * `e`'s key, was taken by a statement that began before `e` began, and was let go (by that statement
 * in autocommit, else by its transaction's end) after `e` began and at most a hand-over before `e`
 * ended; of several, the last let go, after which `e` got through. It is named by the statement
 * that let it go when that too began before `e`, else by the statement that took it: a commit that
 * began after `e` did is never named, so a statement is never shown waiting for one that began
 * later, nor two statements each waiting for the other.
 */
function waitOf(e: StepEvent, releases: Map<StepEvent, StepEvent>): StepEvent | undefined {
  if (!mayWait(e)) return undefined;
  let best: { lock: StepEvent; release: StepEvent } | undefined;
  for (const [lock, release] of releases) {
    if (opId(lock) === opId(e) || lock.key !== e.key || lock.startUs >= e.startUs) continue;
    if (!(e.startUs < release.endUs && release.endUs <= e.endUs && e.endUs - release.endUs <= HANDOVER_US)) continue;
    if (!best || release.endUs > best.release.endUs || (release.endUs === best.release.endUs && lock.startUs > best.lock.startUs)) best = { lock, release };
  }
  return best && (best.release.startUs < e.startUs ? best.release : best.lock);
}
