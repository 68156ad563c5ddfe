/**
 * The property search: fast-check generates the shape of a run and the choices of its schedule,
 * each input runs as one real interleaving, and a failing input is shrunk to the smallest one
 * that still breaks the property.
 */
import fc from 'fast-check';
import { raceViolations } from './race-outcomes.ts';
import type { Explorer } from './explorer.ts';
import type { ExploreRun } from './explore-run.ts';
import { ExploreInterrupted, HarnessFailure } from './harness-failure.ts';
import { choicesPolicy, MAX_EXPLORE_WORKERS, type ExploreInput } from './schedule.ts';
import { randomInt } from 'node:crypto';
import type { Isolation } from '../contract/store.ts';
import { mergeUncontrolled, type UncontrolledStatements } from '../intercept/uncontrolled.ts';

export interface SearchOptions {
  /** Inputs to try before the property is taken to hold. */
  runs: number;
  /** The isolation levels to explore, for scenarios whose transactions take the configured level. */
  isolations: readonly Isolation[];
  /** Replays fast-check's run: the seed, and with `path` the exact failing input. */
  seed?: number;
  path?: string;
  /** Aborting stops the search before its next interleaving. */
  signal?: AbortSignal;
  /** A time cap: past it the search tries no further input and reports how many it tried. */
  timeLimitMs?: number;
}

export type SearchResult =
  | {
      failed: true;
      seed: number;
      path: string;
      /** Inputs tried until the first failure, and shrinking steps after it. */
      numRuns: number;
      numShrinks: number;
      counterexample: ExploreInput;
      /** The counterexample run once more, for its interleaving. */
      run: ExploreRun;
      /** Statements the ops' code sent that racelab could not schedule, over every input tried. */
      uncontrolled?: UncontrolledStatements;
    }
  | {
      failed: false;
      seed: number;
      numRuns: number;
      /** Distinct interleavings among the inputs that held. */
      interleavings: number;
      /**
       * Inputs whose schedule chose, at least once, between statements of two or more workers: the
       * ones that interleaved anything. None means the search never scheduled the scenario's
       * statements against each other (they went around racelab, or one worker did everything),
       * so that it held is no evidence.
       */
      contested: number;
      /** True when the time cap stopped the search before `runs` inputs. */
      timedOut: boolean;
      /**
       * Statements the ops' code sent that racelab could not schedule (another driver's, a
       * synchronous one's), over every input tried: with any, that the inputs held is no evidence.
       */
      uncontrolled?: UncontrolledStatements;
    };

/**
 * Small shapes are likelier, as fast-check's own arbitraries prefer: they find most races and
 * run fastest. One input in five still draws from the whole range.
 */
function smallFirst(min: number, small: number, max: number): fc.Arbitrary<number> {
  return fc.oneof({ arbitrary: fc.integer({ min, max: small }), weight: 4 }, { arbitrary: fc.integer({ min, max }), weight: 1 });
}

export function exploreInputs(isolations: readonly Isolation[]): fc.Arbitrary<ExploreInput> {
  return fc.record({
    workers: smallFirst(2, 3, MAX_EXPLORE_WORKERS),
    opsPerWorker: smallFirst(1, 3, 20),
    keySpace: smallFirst(1, 4, 64),
    isolation: fc.constantFrom(...isolations),
    keySeed: fc.nat(),
    choices: fc.array(fc.nat({ max: 7 }), { maxLength: 64 }),
  });
}

/** Searches for an input whose interleaving violates the property. */
export async function searchForRace(explorer: Explorer, options: SearchOptions): Promise<SearchResult> {
  // Other scenarios ignore the level: generating it would only repeat their runs, so the
  // database's first level stands for all.
  const isolations = explorer.scenario.isolation === 'configured' ? options.isolations : options.isolations.slice(0, 1);
  // A seed of our own, never negative, so that the printed replay command parses as given.
  const seed = options.seed ?? randomInt(0, 2 ** 31);
  let harnessFailure: unknown;
  const interleavings = new Set<string>();
  let contested = 0;
  let uncontrolled: UncontrolledStatements | undefined;
  // How far it got, for an interruption to report: an interleaving that broke the property is
  // evidence even before it is shrunk.
  let inputs = 0;
  let violation: ExploreRun | undefined;
  const interrupted = () => new ExploreInterrupted('interrupted', { seed, inputs, interleavings: interleavings.size, ...(violation && { violation }) });
  const property = fc.asyncProperty(exploreInputs(isolations), async (input) => {
    if (harnessFailure !== undefined) throw harnessFailure;
    if (options.signal?.aborted) {
      harnessFailure = interrupted();
      throw harnessFailure;
    }
    try {
      const run = await explorer.run(input, choicesPolicy(input.choices));
      if (violation === undefined) inputs++;
      uncontrolled = mergeUncontrolled([uncontrolled, run.uncontrolled]);
      if (raceViolations(run) > 0) {
        violation ??= run;
        return false;
      }
      interleavings.add(`${JSON.stringify(run.input)}|${run.order.join(',')}`);
      if (run.pendingAt.some((pending) => pending.length > 1)) contested++;
      return true;
    } catch (error) {
      // An infrastructure failure is no counterexample: stop, and report it as such.
      harnessFailure = error instanceof ExploreInterrupted ? interrupted() : error;
      throw harnessFailure;
    }
  });
  const details = await fc.check(property, {
    numRuns: options.runs,
    seed,
    ...(options.path !== undefined && { path: options.path }),
    ...(options.timeLimitMs !== undefined && { interruptAfterTimeLimit: options.timeLimitMs, markInterruptAsFailure: false }),
  });
  if (harnessFailure !== undefined) throw harnessFailure;
  if (!details.failed) {
    return { failed: false, seed: details.seed, numRuns: details.numRuns, interleavings: interleavings.size, contested, timedOut: details.interrupted, ...(uncontrolled && { uncontrolled }) };
  }
  if (details.counterexample === null) throw new HarnessFailure(`fast-check stopped without a counterexample after ${details.numRuns} runs`);
  const [counterexample] = details.counterexample;
  let run: ExploreRun;
  try {
    run = await explorer.run(counterexample, choicesPolicy(counterexample.choices));
  } catch (error) {
    throw error instanceof ExploreInterrupted ? interrupted() : error;
  }
  return {
    failed: true,
    seed: details.seed,
    path: details.counterexamplePath,
    numRuns: details.numRuns,
    numShrinks: details.numShrinks,
    counterexample,
    run,
    ...(uncontrolled && { uncontrolled }),
  };
}

