/**
 * What report.html's swimlanes draw, read from the values a run returns: a stress run's timeline
 * around a violation (its marks decided by harness/timeline-marks.ts), and an interleaving explore
 * found (its collisions decided by harness/explore/collisions.ts, its lock waits as the text
 * interleaving shows them).
 */
import { collisionsOf } from '../harness/explore/collisions.ts';
import type { ExploreRun } from '../harness/explore/explore-run.ts';
import type { TimelineEntry } from '../harness/contract/results.ts';
import { stepCall, waitedInServer } from './interleaving.ts';
import type { LaneStatement, Swimlanes } from './swimlanes.ts';

const call = (op: number, step: { step: string; key?: string; keyValue?: string }) => `op${op} ${stepCall(step.step, step.key, step.keyValue)}`;

/** What a picture says when its marks are not a pair. */
export const PAIR_NOTES = {
  noFailure: 'No statement is marked failed: none of those shown raised an error (a violation an audit found raises none).',
  noWinner: 'Only the failure is marked: the statement it collided with cannot be told from the statements recorded.',
} as const;

function noteOf(statements: readonly LaneStatement[]): string | undefined {
  const failed = statements.some((s) => s.role === 'failed');
  if (!failed) return PAIR_NOTES.noFailure;
  return statements.some((s) => s.role === 'won') ? undefined : PAIR_NOTES.noWinner;
}

/**
 * A stress run's timeline on its clock in microseconds: the timeline's own milliseconds, from its
 * first start, which it keeps to the microsecond its workers recorded.
 */
export function timelineSwimlanes(id: string, subject: string, timeline: readonly TimelineEntry[]): Swimlanes {
  const statements = timeline.map(
    (e): LaneStatement => ({
      worker: e.worker,
      label: call(e.op, e),
      start: Math.round(e.atMs * 1000),
      end: Math.round(e.endMs * 1000),
      result: e.result,
      ...(e.role && { role: e.role }),
      ...(e.waitedFor !== undefined && { waitedFor: e.waitedFor }),
    }),
  );
  const note = noteOf(statements);
  return { id, subject, clock: 'microseconds', statements, ...(note && { note }) };
}

/** An interleaving on the run's logical clock: a step from its release to its completion. */
export function interleavingSwimlanes(id: string, subject: string, run: ExploreRun): Swimlanes {
  const collisions = collisionsOf(run);
  const failed = new Set(collisions.map((c) => c.failed));
  const won = new Set(collisions.flatMap((c) => (c.won ? [c.won] : [])));
  const statements = run.steps.map(
    (step): LaneStatement => ({
      worker: step.worker + 1,
      label: call(step.op + 1, step),
      start: step.releasedAt,
      end: step.completedAt,
      result: step.result,
      ...(failed.has(step) ? { role: 'failed' as const } : won.has(step) ? { role: 'won' as const } : {}),
      // Explore sees the wait, not whose lock it was: the database says only that the step is blocked.
      ...(waitedInServer(run, step) && { waitedFor: 'a lock' }),
      ...(step.sql !== undefined && { sql: step.sql }),
    }),
  );
  // A run with several collisions: each failure without its pair is said to be alone.
  const unpaired = collisions.some((c) => !c.won);
  const note = collisions.length === 0 ? PAIR_NOTES.noFailure : unpaired ? PAIR_NOTES.noWinner : undefined;
  return { id, subject, clock: 'release-order', statements, ...(note && { note }) };
}
