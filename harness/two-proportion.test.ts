import { describe, expect, it } from 'vitest';
import { normalCdf, twoProportionTest } from './two-proportion.ts';

describe('normalCdf', () => {
  it.each([
    [0, 0.5],
    [1.959963984540054, 0.975],
    [-1.644853626951472, 0.05],
    [3, 0.998650101968370],
  ])('Φ(%f) = %f', (x, p) => {
    expect(normalCdf(x)).toBeCloseTo(p, 6);
  });
});

describe('twoProportionTest', () => {
  it('45/100 against 30/100: z = 0.15/√(0.375·0.625·0.02) ≈ 2.1909, p = erfc(z/√2) ≈ 0.02846', () => {
    const test = twoProportionTest(45, 100, 30, 100)!;
    expect(test.difference).toBeCloseTo(0.15, 10);
    expect(test.z).toBeCloseTo(2.19089, 4);
    expect(test.pValue).toBeCloseTo(0.028460, 5);
  });

  it('finds no difference between equal rates', () => {
    const test = twoProportionTest(110, 8000, 110, 8000)!;
    expect(test.z).toBe(0);
    expect(test.pValue).toBeCloseTo(1, 6);
  });

  it('says nothing when both sides saw no violation at all', () => {
    expect(twoProportionTest(0, 8000, 0, 8000)).toBeUndefined();
    expect(twoProportionTest(0, 0, 3, 10)).toBeUndefined();
  });
});
