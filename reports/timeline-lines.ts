import { stepCall } from './interleaving.ts';
import type { TimelineEntry } from '../harness/contract/results.ts';

/** Long error texts are cut here: the full text is printed above the timeline. */
const RESULT_WIDTH = 48;

/**
 * A header, then one line per statement, ordered by start, with its start and end in
 * milliseconds: `+0.600 +1.662  w2 op13  insert(k5) → ok  ◀ won` (a key named by the scenario's own
 * value where it has one: `count(SPRING-000g (k16)) → 1 row: n=0`). The marks name the statement
 * that failed, the one it lost to, and a wait on another op's lock; they come decided with the
 * timeline (harness/timeline-marks.ts), and are only drawn here.
 */
export function timelineLines(timeline: readonly TimelineEntry[]): string[] {
  const rows = timeline.map((entry) => {
    const span = `+${entry.atMs.toFixed(3)}`.padStart(9) + ` +${entry.endMs.toFixed(3)}`.padStart(10);
    const who = `w${entry.worker} op${entry.op}`.padEnd(9);
    const result = entry.result.length > RESULT_WIDTH ? `${entry.result.slice(0, RESULT_WIDTH - 1)}…` : entry.result;
    const call = `${stepCall(entry.step, entry.key, entry.keyValue)} → ${result}`;
    const marks = [
      entry.role === 'failed' && '✗ failed',
      entry.role === 'won' && '◀ won',
      entry.waitedFor && `waited for ${entry.waitedFor}`,
    ].filter(Boolean);
    return { text: `${span}  ${who}  ${call}`, marks: marks.join('; ') };
  });
  const width = Math.max(...rows.map((row) => row.text.length));
  return [
    `${'start ms'.padStart(9)} ${'end ms'.padStart(9)}  statement (one clock for every worker; ordered by start)`,
    ...rows.map((row) => (row.marks ? `${row.text.padEnd(width)}  ${row.marks}` : row.text)),
  ];
}
