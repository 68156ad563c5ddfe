/**
 * Every interleaving of a small input, each run once, the way PostgreSQL's isolation tester runs
 * every permutation when given none: depth first over the decisions, re-running each prefix.
 */
import type { Explorer } from './explorer.ts';
import type { ExploreRun } from './explore-run.ts';
import { ExploreInterrupted } from './harness-failure.ts';
import { orderPolicy, type ExploreInput } from './schedule.ts';

/** Beyond this many interleavings the input is too large to enumerate; explore it instead. */
const MAX_INTERLEAVINGS = 5_000;

export class TooManyInterleavings extends Error {
  override name = 'TooManyInterleavings';
}

/** Runs every interleaving of `input`, calling `onRun` with each as it finishes. */
export async function enumerateInterleavings(
  explorer: Explorer,
  input: Omit<ExploreInput, 'choices'>,
  onRun: (run: ExploreRun, index: number) => void,
  signal?: AbortSignal,
): Promise<number> {
  // Each prefix is a forced order of releases; past it the run takes the lowest pending worker.
  const prefixes: number[][] = [[]];
  let count = 0;
  while (prefixes.length > 0) {
    if (signal?.aborted) throw new ExploreInterrupted('interrupted');
    const prefix = prefixes.pop()!;
    const run = await explorer.run(input, orderPolicy(prefix, 'lowest'));
    onRun(run, count++);
    if (count > MAX_INTERLEAVINGS) throw new TooManyInterleavings(`more than ${MAX_INTERLEAVINGS} interleavings: use a smaller input`);
    // Branch at every decision this run made beyond its prefix, deepest last so order stays stable.
    for (let decision = run.order.length - 1; decision >= prefix.length; decision--) {
      for (const other of run.pendingAt[decision]!.slice().reverse()) {
        if (other !== run.order[decision]) prefixes.push([...run.order.slice(0, decision), other]);
      }
    }
  }
  return count;
}
