import { keyLabel } from '../harness/explore/interleaving.ts';
import type { TimelineEntry } from '../harness/timeline.ts';

/** `+0.214 ms  w2 op13  insert(k5) → 23505 duplicate key value …`, one line per step. */
export function timelineLines(timeline: readonly TimelineEntry[]): string[] {
  return timeline.map((entry) => {
    const at = `+${entry.atMs.toFixed(3)} ms`.padStart(12);
    const who = `w${entry.worker} op${entry.op}`.padEnd(10);
    const call = `${entry.step}${entry.key === undefined ? '' : `(${keyLabel(entry.key)})`}`;
    return `${at}  ${who}  ${call} → ${entry.result}`;
  });
}
