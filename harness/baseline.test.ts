import { describe, expect, it } from 'vitest';
import { compareWithBaseline, type BaselineEntry } from './baseline.ts';
import type { Finding } from './finding.ts';

/** Only what the comparison reads of a finding. */
const finding = (name: string, expect: 'safe' | 'unsafe', violations: number, ops = 1000) => ({ scenario: { name, expect }, violations, ops }) as unknown as Finding;

describe('compareWithBaseline: the gate against a stored report', () => {
  const baseline: BaselineEntry[] = [
    { name: 'naive-save', ops: 1000, violations: 100 },
    { name: 'atomic-create', ops: 1000, violations: 0 },
    { name: 'naive-save', sweepValue: 16, ops: 1000, violations: 300 },
    { name: 'naive-save', database: 'sqlite', ops: 1000, violations: 50 },
  ];

  it('an unsafe scenario reproduced significantly less is worse; more is better; within noise, no change', () => {
    const [weaker] = compareWithBaseline([{ finding: finding('naive-save', 'unsafe', 40) }], baseline, 0.001);
    expect(weaker).toMatchObject({ name: 'naive-save', change: 'worse', now: { violations: 40, ops: 1000 }, before: { violations: 100, ops: 1000 } });
    expect(weaker!.test!.pValue).toBeLessThan(0.001);
    expect(compareWithBaseline([{ finding: finding('naive-save', 'unsafe', 200) }], baseline, 0.001)[0]!.change).toBe('better');
    expect(compareWithBaseline([{ finding: finding('naive-save', 'unsafe', 95) }], baseline, 0.001)[0]!.change).toBe('no significant change');
  });

  it('a safe scenario violated significantly more is worse', () => {
    const base: BaselineEntry[] = [{ name: 'on-conflict', ops: 5000, violations: 1 }];
    expect(compareWithBaseline([{ finding: finding('on-conflict', 'safe', 60) }], base, 0.001)[0]!.change).toBe('worse');
    expect(compareWithBaseline([{ finding: finding('on-conflict', 'safe', 0, 5000) }], base, 0.001)[0]!.change).toBe('no significant change');
  });

  it('matches by name, swept value and database; a pair without a test (no violation on either side) is not comparable', () => {
    const swept = compareWithBaseline([{ finding: finding('naive-save', 'unsafe', 310), sweepValue: 16 }], baseline, 0.001);
    expect(swept).toMatchObject([{ sweepValue: 16, before: { violations: 300 }, change: 'no significant change' }]);
    expect(compareWithBaseline([{ finding: finding('naive-save', 'unsafe', 0), database: 'sqlite' }], baseline, 0.001)).toMatchObject([{ database: 'sqlite', change: 'worse' }]);
    expect(compareWithBaseline([{ finding: finding('atomic-create', 'safe', 0) }], baseline, 0.001)).toEqual([
      { name: 'atomic-create', now: { violations: 0, ops: 1000 }, before: { violations: 0, ops: 1000 }, change: 'not comparable' },
    ]);
    expect(compareWithBaseline([{ finding: finding('select-for-update', 'safe', 0) }, { finding: finding('naive-save', 'unsafe', 1), sweepValue: 64 }], baseline, 0.001)).toEqual([]);
  });
});
