/** A proportion with its 95% Wilson score interval. */
export interface Rate {
  value: number;
  low: number;
  high: number;
}

/** z for a two-sided 95% interval. */
const Z95 = 1.959963984540054;

/**
 * The Wilson score interval for `successes` out of `trials`. Unlike the normal approximation it
 * stays inside [0, 1] and gives a real upper bound when nothing was seen, which is what a
 * "holds" verdict needs to state its strength.
 */
export function wilson(successes: number, trials: number, z = Z95): Rate {
  if (!Number.isInteger(successes) || !Number.isInteger(trials) || successes < 0 || successes > trials) {
    throw new RangeError(`wilson: need integers 0 <= successes <= trials, got ${successes}/${trials}`);
  }
  if (trials === 0) return { value: 0, low: 0, high: 1 };
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const halfWidth = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denominator;
  // Clamp away float dust so that 0/n has a low of exactly 0 and n/n a high of exactly 1.
  return {
    value: p,
    low: successes === 0 ? 0 : Math.max(0, centre - halfWidth),
    high: successes === trials ? 1 : Math.min(1, centre + halfWidth),
  };
}
