import type { Progress } from '../harness/reproduce.ts';
import { count, plural } from './format.ts';

const BAR = 24;
const MIN_BAR = 8;

/**
 * `naive-save  [██████░░░░]  4,210/8,000 ops · 57 violations · 7,412 ops/s`, for a terminal
 * `width` columns wide. It is redrawn in place, so it must never wrap: a wrapped line leaves its
 * first part behind at every redraw. It stays below the width (a line that fills the last column
 * wraps on some terminals), giving up the rate, then bar width, then the scenario's name's tail.
 */
export function progressLine(progress: Progress, width = Number.POSITIVE_INFINITY): string {
  const timed = progress.durationMs !== undefined;
  const fraction = timed ? progress.elapsedMs / progress.durationMs! : progress.totalOps === 0 ? 0 : progress.ops / progress.totalOps;
  const done = Math.max(0, Math.min(1, fraction));
  const rate = progress.elapsedMs > 0 ? Math.round((progress.ops / progress.elapsedMs) * 1000) : 0;
  const amount = timed
    ? `${plural(progress.ops, 'op')} in ${(progress.elapsedMs / 1000).toFixed(0)}/${(progress.durationMs! / 1000).toFixed(0)} s`
    : `${count(progress.ops)}/${count(progress.totalOps)} ops`;
  const counts = `${amount} · ${plural(progress.violations, 'violation')}`;
  const bar = (size: number) => {
    const filled = Math.round(done * size);
    return `[${'█'.repeat(filled)}${'░'.repeat(size - filled)}]`;
  };
  const limit = width - 1;
  const full = `${progress.scenario}  ${bar(BAR)}  ${counts} · ${count(rate)} ops/s`;
  if (full.length <= limit) return full;
  const withoutRate = (size: number) => `${progress.scenario}  ${bar(size)}  ${counts}`;
  for (let size = BAR; size >= MIN_BAR; size--) if (withoutRate(size).length <= limit) return withoutRate(size);
  const tail = `  ${bar(MIN_BAR)}  ${counts}`;
  const room = limit - tail.length;
  if (room >= 4) return `${progress.scenario.slice(0, room - 1)}…${tail}`;
  return `${counts}`.slice(0, Math.max(0, limit));
}
