import type { Rate } from '../harness/wilson.ts';

/** A proportion as a percentage with two significant digits below 1%, two decimals above. */
export function percent(value: number): string {
  if (value === 0) return '0%';
  const pct = value * 100;
  return `${pct < 1 ? Number(pct.toPrecision(2)) : pct.toFixed(2)}%`;
}

export function rateWithInterval(rate: Rate): string {
  return `${percent(rate.value)} [${percent(rate.low)}, ${percent(rate.high)}]`;
}

export function count(value: number): string {
  return value.toLocaleString('en');
}
