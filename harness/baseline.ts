import type { Finding } from './finding.ts';
import { twoProportionTest, type ProportionTest } from './two-proportion.ts';

/** A scenario's result in a stored report, as a baseline for the same scenario now. */
export interface BaselineEntry {
  name: string;
  /** The swept value it ran at, when the baseline swept. */
  sweepValue?: number;
  /** The database it ran on (its `--db` label), when the baseline ran a list of databases. */
  database?: string;
  ops: number;
  violations: number;
}

/** How a scenario's violation rate moved against its baseline. */
export interface BaselineComparison {
  name: string;
  sweepValue?: number;
  database?: string;
  now: { violations: number; ops: number };
  before: { violations: number; ops: number };
  test?: ProportionTest;
  /** `worse`: significant and the wrong way (a safe scenario more violated, an unsafe one less reproduced). */
  change: 'worse' | 'better' | 'no significant change' | 'not comparable';
}

/**
 * Compares each finding with the baseline entry of the same scenario (and swept value, and
 * database of a list: the rules apply per database) by the
 * pooled two-proportion z-test at significance `alpha`.
 */
export function compareWithBaseline(
  findings: readonly { finding: Finding; sweepValue?: number; database?: string }[],
  baseline: readonly BaselineEntry[],
  alpha: number,
): BaselineComparison[] {
  return findings.flatMap(({ finding, sweepValue, database }) => {
    const before = baseline.find((entry) => entry.name === finding.scenario.name && entry.sweepValue === sweepValue && entry.database === database);
    if (!before) return [];
    const now = { violations: finding.violations, ops: finding.ops };
    const test = twoProportionTest(now.violations, now.ops, before.violations, before.ops);
    const comparison: BaselineComparison = {
      name: finding.scenario.name,
      ...(sweepValue !== undefined && { sweepValue }),
      ...(database !== undefined && { database }),
      now,
      before: { violations: before.violations, ops: before.ops },
      change: 'not comparable',
      ...(test && { test }),
    };
    if (!test) return [comparison];
    if (test.pValue >= alpha) return [{ ...comparison, change: 'no significant change' }];
    const rose = test.difference > 0;
    const worse = finding.scenario.expect === 'safe' ? rose : !rose;
    return [{ ...comparison, change: worse ? 'worse' : 'better' }];
  });
}
