/** The result of comparing two proportions. */
export interface ProportionTest {
  /** The difference of the rates, now minus before. */
  difference: number;
  z: number;
  /** Two-sided p-value. */
  pValue: number;
}

/**
 * The pooled two-proportion z-test: did `x1/n1` come from the same rate as `x2/n2`? Undefined
 * when it cannot say anything (no trials on a side, or both sides all-or-nothing alike).
 * WARNING: it assumes independent ops. Races on a loaded machine vary more than that from run
 * to run, so a gate should use a small alpha.
 */
export function twoProportionTest(x1: number, n1: number, x2: number, n2: number): ProportionTest | undefined {
  if (n1 === 0 || n2 === 0) return undefined;
  const pooled = (x1 + x2) / (n1 + n2);
  if (pooled === 0 || pooled === 1) return undefined;
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const difference = x1 / n1 - x2 / n2;
  const z = difference / se;
  return { difference, z, pValue: 2 * (1 - normalCdf(Math.abs(z))) };
}

/** Φ(x), the standard normal distribution function. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** erfc from Numerical Recipes' Chebyshev fit, fractional error below 1.2e-7 everywhere. */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
