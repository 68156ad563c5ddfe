import { DJANGO_KEY_SPACE } from './key-modes.ts';
import { liveQuotasFor } from './occupancy.ts';
import type { RunConfig } from './contract/run-config.ts';

const SECONDS_PER_YEAR = 365.25 * 24 * 3600;

/**
 * What chance alone predicts for a run's config, to set beside what was measured, and what the
 * real key space predicts for production. Closed forms, stated with their assumptions.
 */
export interface AnalyticExpectation {
  keySpace: number;
  /** Live sessions: the steady state with a shrunk key space, the average over the run otherwise. */
  liveSessions: number;
  /** Ops of one scenario over all workers. */
  ops: number;
  /**
   * Draws expected to land on a live key, which the check catches: N·p/(1−p) with p the live
   * fraction (geometric redraws), or Σ i/K when the live set grows through the run.
   */
  expectedRedraws: number;
  /**
   * The most same-key draws concurrent ops can make: each op drawing one of the free keys while
   * each other worker's op is in flight with its own, N·(W−1)/(K−L). Only the part of ops that
   * falls between check and insert can collide, so measurements sit below it.
   */
  racingDrawsBound: number;
  /** `same-seed`: every worker draws the identical stream, so collisions are certain, not chance. */
  identicalStreams: boolean;
  production: {
    sessionsPerSecond: number;
    keySpace: number;
    /** Expected draws until the first repeated key of all time, √(πK/2) (the birthday problem). */
    sessionsToFirstRepeat: number;
    secondsToFirstRepeat: number;
    yearsToFirstRepeat: number;
  };
}

/**
 * `ops` is what one scenario ran: the planned count, or fewer when the run was interrupted, or
 * whatever a `--duration` run reached.
 */
export function analyticExpectation(config: RunConfig, sessionsPerSecond: number, ops: number): AnalyticExpectation {
  const keySpace = config.keySpace;
  const others = config.workers - 1;
  const shrunk = config.keys === 'shrunk';
  const live = shrunk ? liveQuotasFor(config).reduce((a, b) => a + b, 0) : ops / 2;
  const liveFraction = Math.min(live / keySpace, 1);
  const expectedRedraws = shrunk
    ? liveFraction >= 1
      ? Number.POSITIVE_INFINITY
      : (ops * liveFraction) / (1 - liveFraction)
    : (ops * (ops - 1)) / (2 * keySpace);
  const identicalStreams = config.keys === 'same-seed';
  const racingDrawsBound = identicalStreams
    ? (ops * others) / config.workers
    : Math.min(ops, (ops * others) / Math.max(keySpace - live, 1));
  const sessionsToFirstRepeat = Math.sqrt((Math.PI * DJANGO_KEY_SPACE) / 2);
  const secondsToFirstRepeat = sessionsToFirstRepeat / sessionsPerSecond;
  return {
    keySpace,
    liveSessions: live,
    ops,
    expectedRedraws,
    racingDrawsBound,
    identicalStreams,
    production: {
      sessionsPerSecond,
      keySpace: DJANGO_KEY_SPACE,
      sessionsToFirstRepeat,
      secondsToFirstRepeat,
      yearsToFirstRepeat: secondsToFirstRepeat / SECONDS_PER_YEAR,
    },
  };
}
