import { HarnessFailure } from './harness-failure.ts';
import type { Decision } from './turnstile.ts';

/**
 * A run's releases as one order: the coordinator and the workers each decided some of them,
 * numbered on the turnstile, so every number from 0 to `count` must come exactly once.
 */
export function inOrder(decided: readonly Decision[], count: number): { order: number[]; pendingAt: number[][] } {
  const order = new Array<number>(count);
  const pendingAt = new Array<number[]>(count);
  for (const decision of decided) {
    if (decision.at >= count || order[decision.at] !== undefined) throw new HarnessFailure(`release ${decision.at + 1} of ${count} was recorded twice or out of range`);
    order[decision.at] = decision.worker;
    pendingAt[decision.at] = decision.pending;
  }
  if (decided.length !== count) throw new HarnessFailure(`${count} releases made, ${decided.length} recorded`);
  return { order, pendingAt };
}
