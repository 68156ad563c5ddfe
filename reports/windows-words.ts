/**
 * How every report words a race window and the bound a `holds` verdict rests on, so the terminal,
 * report.md and the gate say the same thing.
 */
import { uncontrolledWords } from './uncontrolled-words.ts';
import type { Finding } from '../harness/finding.ts';
import { percent, plural } from './format.ts';

/** The definition, stated in report.md and docs/scenarios.md. */
export const WINDOW_DEFINITION =
  'A race window is an op whose hold on a key (from its first statement on the key to its last) overlapped another op\'s hold on the same key: only such ops could race, so violations are counted per window as well as per op.';

/**
 * A bound above this per window is weak: a race that strikes one window in twenty could pass
 * unseen. Below it needs about 60 windows without a violation.
 */
const WEAK_BOUND = 0.05;

/** `no violation in 8,000 ops (312 race windows): below 1.2% per window at 95% confidence`. */
export function holdsBound(finding: Finding): string {
  const windows = plural(finding.windows, 'race window');
  if (finding.uncontrolled !== undefined) return `no violation in ${plural(finding.ops, 'op')}, but no evidence: ${uncontrolledWords(finding.uncontrolled)}`;
  if (finding.windows === 0) return `no violation in ${plural(finding.ops, 'op')}, but no race window: no two ops ever held a key at once, so the run says nothing about the race`;
  return `no violation in ${plural(finding.ops, 'op')} (${windows}): below ${percent(finding.windowRate.high)} per window at 95% confidence`;
}

/** What opens more race windows, as every report advises it. */
export const OPEN_MORE_WINDOWS = 'more --clients, a smaller --key-space or more --ops open more windows';

/** What to change when a `holds` verdict rests on too few windows; undefined when it does not. */
export function fewWindowsAdvice(finding: Finding): string | undefined {
  if (finding.verdict !== 'holds' || finding.windowRate.high <= WEAK_BOUND) return undefined;
  // explore searches no command scenario's interleavings yet: it is not offered there.
  const explore = finding.scenario.command === undefined ? ', and racelab explore searches the interleavings instead' : '';
  return `only ${plural(finding.windows, 'race window')}: too few for a strong bound; ${OPEN_MORE_WINDOWS}${explore}`;
}
