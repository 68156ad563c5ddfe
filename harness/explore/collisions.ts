import { LOUD_VIOLATIONS, type Outcome } from '../contract/outcomes.ts';
import type { StepEvent } from '../recording-store.ts';
import { failingStep, timelineMarks } from '../timeline-marks.ts';
import type { ExploreRun } from './explore-run.ts';
import type { StepRecord } from './step-log.ts';

/** One op of an interleaving that raised a violation: the statement that raised it, and the other op's write it ran into. */
export interface Collision {
  failed: StepRecord;
  /** Absent when none of the run's steps can be named: the failed statement names no key, or no other op's kept write to its key began before it ended. */
  won?: StepRecord;
}

/**
 * The collisions of an interleaving, one per op that ended in a loud violation, decided by the
 * rules that mark a stress timeline (timeline-marks.ts), read on the run's logical clock: a step
 * begins at its release and ends at its completion. A violation an audit found raised no error,
 * so it has none.
 */
export function collisionsOf(run: ExploreRun): Collision[] {
  const records = new Map<StepEvent, StepRecord>();
  const events = run.steps.map((step) => {
    const event = asEvent(step);
    records.set(event, step);
    return event;
  });
  const collisions: Collision[] = [];
  run.outcomes.forEach((ops, worker) =>
    ops.forEach((outcome, op) => {
      if (!(LOUD_VIOLATIONS as readonly Outcome[]).includes(outcome)) return;
      const own = events.filter((e) => e.worker === worker && e.op === op);
      const code = run.samples.find((s) => s.worker === worker + 1 && s.op === op + 1)?.error.code;
      const failed = failingStep(own, code);
      if (!failed) return;
      // Without a key, "the other op's write to the same row" cannot be read from the steps.
      const won = failed.key === undefined ? undefined : timelineMarks(events, failed).won;
      collisions.push({ failed: records.get(failed)!, ...(won && { won: records.get(won)! }) });
    }),
  );
  return collisions;
}

/** A step as the timeline's rules read a statement: worker and op as the step numbers them (from 0). */
function asEvent(step: StepRecord): StepEvent {
  return {
    worker: step.worker,
    op: step.op,
    step: step.step,
    ...(step.key !== undefined && { key: step.key }),
    startUs: step.releasedAt,
    endUs: step.completedAt,
    result: step.result,
    ...(step.error && { failed: true as const }),
    ...(step.error?.code !== undefined && { code: step.error.code }),
  };
}
