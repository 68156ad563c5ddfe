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

describe('progressLine in a narrow terminal', () => {
  const long = { scenario: 'signup-check-then-insert-with-a-long-name', ops: 123_456, totalOps: 1_000_000, violations: 12_345, elapsedMs: 2_000 };

  it('never reaches the last column, at 80 columns and narrower', () => {
    for (const width of [40, 60, 80, 100]) expect(progressLine(long, width).length).toBeLessThan(width);
  });

  it('gives up the rate first, then bar width, and keeps the counts', () => {
    const line = progressLine(long, 80);
    expect(line).not.toContain('ops/s');
    expect(line).toContain('123,456/1,000,000 ops · 12,345 violations');
  });

  it('shows time with --duration', () => {
    expect(progressLine({ scenario: 's', ops: 10, totalOps: 1_000_000, violations: 0, elapsedMs: 15_000, durationMs: 30_000 }, 80)).toContain(
      `[${'█'.repeat(12)}${'░'.repeat(12)}]  10 ops in 15/30 s`,
    );
  });
});
