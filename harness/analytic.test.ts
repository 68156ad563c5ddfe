import { describe, expect, it } from 'vitest';
import { analyticExpectation } from './analytic.ts';
import { DJANGO_KEY_SPACE } from './key-modes.ts';
import type { RunConfig } from './contract/run-config.ts';

const base: RunConfig = {
  workers: 4,
  threads: 2,
  opsPerWorker: 2000,
  keys: 'shrunk',
  keySpace: 64,
  occupancy: 0.25,
  maxAttempts: 10_000,
  seed: 1,
  isolation: 'read-committed',
  opTimeoutMs: 10_000,
};

describe('analyticExpectation', () => {
  it('shrunk: redraws are geometric in the live fraction, races bounded by the free keys', () => {
    const e = analyticExpectation(base, 1000, base.workers * base.opsPerWorker);
    expect(e.liveSessions).toBe(16);
    expect(e.ops).toBe(8000);
    // p = 16/64: each op redraws p/(1-p) = 1/3 times on average.
    expect(e.expectedRedraws).toBeCloseTo(8000 / 3, 6);
    // 3 other workers in flight, each on one of 48 free keys.
    expect(e.racingDrawsBound).toBeCloseTo((8000 * 3) / 48, 6);
    expect(e.identicalStreams).toBe(false);
  });

  it('shrunk: a full key space redraws without end', () => {
    expect(analyticExpectation({ ...base, occupancy: 1 }, 1000, base.workers * base.opsPerWorker).expectedRedraws).toBe(Number.POSITIVE_INFINITY);
  });

  it('django: the real key space makes any same-key draw vanishingly unlikely', () => {
    const e = analyticExpectation({ ...base, keys: 'django', keySpace: DJANGO_KEY_SPACE }, 1000, base.workers * base.opsPerWorker);
    expect(e.keySpace).toBeCloseTo(6.33e49, -47);
    expect(e.expectedRedraws).toBeLessThan(1e-40);
    expect(e.racingDrawsBound).toBeLessThan(1e-40);
  });

  it('same-seed: identical streams make collisions certain', () => {
    const e = analyticExpectation({ ...base, keys: 'same-seed', keySpace: DJANGO_KEY_SPACE }, 1000, base.workers * base.opsPerWorker);
    expect(e.identicalStreams).toBe(true);
    expect(e.racingDrawsBound).toBe(6000);
  });

  it('production: the first repeat of all time after √(πK/2) sessions', () => {
    const { production } = analyticExpectation(base, 1000, base.workers * base.opsPerWorker);
    expect(production.keySpace).toBe(36 ** 32);
    expect(production.sessionsToFirstRepeat).toBeCloseTo(Math.sqrt((Math.PI * 36 ** 32) / 2), -20);
    expect(production.secondsToFirstRepeat).toBeCloseTo(production.sessionsToFirstRepeat / 1000, -18);
    expect(production.yearsToFirstRepeat).toBeGreaterThan(1e14);
  });
});
