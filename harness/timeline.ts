import type { StepEvent } from './recording-store.ts';
import type { OpSample } from './types.ts';

/** One step of a timeline, timed from the timeline's first step. */
export interface TimelineEntry {
  atMs: number;
  worker: number;
  op: number;
  step: string;
  key?: string;
  result: string;
}

/**
 * How far before and after the failing op other workers' steps on its key are shown: a race's
 * window is a round trip or two, well under a millisecond here.
 */
const MARGIN_US = 1_000;

/**
 * The race around one failing op: its own steps, and every other worker's steps on the same key
 * close to it, in the order they started. Undefined when the op fell outside what the workers
 * recorded (they record only their first statements).
 */
export function timelineOf(sample: Pick<OpSample, 'worker' | 'op' | 'key'>, events: readonly StepEvent[]): TimelineEntry[] | undefined {
  if (sample.key === undefined) return undefined;
  const own = events.filter((e) => e.worker === sample.worker && e.op === sample.op);
  const firstOnKey = own.findIndex((e) => e.key === sample.key);
  if (firstOnKey === -1) return undefined;
  // The op's steps from the moment it drew this key, on this key or on none (BEGIN, COMMIT):
  // earlier draws were other keys, and the expiry that follows the op is about an older one.
  const ownSteps = own.slice(firstOnKey).filter((e) => e.key === undefined || e.key === sample.key);
  const from = ownSteps[0]!.startUs - MARGIN_US;
  const to = ownSteps[ownSteps.length - 1]!.endUs + MARGIN_US;
  // Other ops that touched the key near it are shown whole, so the reader sees their check too.
  // A step is near when it overlaps the window, not only when it starts in it: the insert the op
  // collided with committed after the op's check began, but on a loaded machine it may have begun
  // well before, more than the margin.
  const near = new Set(
    events
      .filter((e) => e.worker !== sample.worker && e.key === sample.key && e.endUs >= from && e.startUs <= to)
      .map((e) => `${e.worker}:${e.op}`),
  );
  const others = events.filter((e) => near.has(`${e.worker}:${e.op}`) && e.key === sample.key);
  const steps = [...ownSteps, ...others].sort((a, b) => a.startUs - b.startUs);
  const zero = steps[0]!.startUs;
  return steps.map((e) => ({
    atMs: (e.startUs - zero) / 1000,
    worker: e.worker,
    op: e.op,
    step: e.step,
    ...(e.key !== undefined && { key: e.key }),
    result: e.result,
  }));
}
