import { HARNESS_FAILURES, VIOLATIONS, type Outcome } from '../contract/outcomes.ts';
import type { ExploreRun } from './explore-run.ts';
import { HarnessFailure } from './harness-failure.ts';

/**
 * Counts the ops of a run that violate the property. An op that failed for a reason that is not
 * a race (a scenario bug, a lost connection) makes the run unjudgeable: that is thrown.
 */
export function raceViolations(run: ExploreRun): number {
  let violations = 0;
  run.outcomes.forEach((ops, worker) =>
    ops.forEach((outcome, op) => {
      if ((HARNESS_FAILURES as readonly Outcome[]).includes(outcome)) {
        const sample = run.samples.find((s) => s.worker === worker + 1 && s.op === op + 1);
        const why = sample ? `${sample.error.message}${sample.error.stack ? `\n${sample.error.stack}` : ''}` : 'see the step log';
        throw new HarnessFailure(`w${worker + 1} op${op + 1} ended ${outcome}, which is not a race: ${why}`);
      }
      // The same violations as reproduce's: one property, two ways of looking for it.
      if ((VIOLATIONS as readonly Outcome[]).includes(outcome)) violations++;
    }),
  );
  return violations + run.invariantProblems.length;
}
