import { describe, expect, it } from 'vitest';
import { progressLine } from './progress-line.ts';

describe('progressLine', () => {
  it('shows the bar, ops done, violations so far and ops/s', () => {
    expect(progressLine({ scenario: 'naive-save', ops: 4000, totalOps: 8000, violations: 57, elapsedMs: 500 })).toBe(
      `naive-save  [${'█'.repeat(12)}${'░'.repeat(12)}]  4,000/8,000 ops · 57 violations · 8,000 ops/s`,
    );
  });

  it('starts empty and never overflows', () => {
    expect(progressLine({ scenario: 's', ops: 0, totalOps: 10, violations: 0, elapsedMs: 0 })).toContain(`[${'░'.repeat(24)}]`);
    expect(progressLine({ scenario: 's', ops: 12, totalOps: 10, violations: 0, elapsedMs: 1 })).toContain(`[${'█'.repeat(24)}]`);
  });
});
