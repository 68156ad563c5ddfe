import { describe, expect, it } from 'vitest';
import { wilson } from './wilson.ts';

describe('wilson', () => {
  // Reference values of the 95% Wilson score interval (Newcombe 1998, method 3, and R's prop.test
  // without continuity correction), to four decimals.
  it.each([
    [0, 10, 0, 0, 0.2775],
    [10, 10, 1, 0.7225, 1],
    [5, 10, 0.5, 0.2366, 0.7634],
    [1, 100, 0.01, 0.0018, 0.0545],
    [81, 263, 0.308, 0.2553, 0.3662],
  ])('%i of %i', (successes, trials, value, low, high) => {
    const rate = wilson(successes, trials);
    expect(rate.value).toBeCloseTo(value, 3);
    expect(rate.low).toBeCloseTo(low, 4);
    expect(rate.high).toBeCloseTo(high, 4);
  });

  it('bounds a rate when nothing was seen by z²/(n + z²), the strength of a "holds"', () => {
    const z2 = 1.959963984540054 ** 2;
    expect(wilson(0, 8000).high).toBeCloseTo(z2 / (8000 + z2), 12);
    expect(wilson(0, 8000).low).toBe(0);
  });

  it('says nothing is known from no trials', () => {
    expect(wilson(0, 0)).toEqual({ value: 0, low: 0, high: 1 });
  });

  it('refuses counts that are not a proportion', () => {
    expect(() => wilson(3, 2)).toThrow(RangeError);
    expect(() => wilson(-1, 2)).toThrow(RangeError);
    expect(() => wilson(0.5, 2)).toThrow(RangeError);
  });
});
