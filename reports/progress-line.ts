import type { Progress } from '../harness/reproduce.ts';
import { count } from './format.ts';

const WIDTH = 24;

/** `naive-save  [██████░░░░]  4,210/8,000 ops · 57 violations · 7,412 ops/s`, for a terminal. */
export function progressLine(progress: Progress): string {
  const done = progress.totalOps === 0 ? 0 : Math.min(1, progress.ops / progress.totalOps);
  const filled = Math.round(done * WIDTH);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}`;
  const rate = progress.elapsedMs > 0 ? Math.round((progress.ops / progress.elapsedMs) * 1000) : 0;
  return `${progress.scenario}  [${bar}]  ${count(progress.ops)}/${count(progress.totalOps)} ops · ${count(progress.violations)} violations · ${count(rate)} ops/s`;
}
