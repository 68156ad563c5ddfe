import type { KeyValueOf } from './key-values.ts';
import type { StepEvent } from './recording-store.ts';
import { isTransactionEnd, isTransactionStart, lockReleases, opId } from './statement-locks.ts';
import { failingStep, timelineMarks } from './timeline-marks.ts';
import type { ErrorRecord, OpSample, TimelineEntry } from './contract/results.ts';

/**
 * How far before and after the failing op other workers' steps on its key are shown: a race's
 * window is a round trip or two, well under a millisecond here.
 */
const MARGIN_US = 1_000;

/**
 * The race around one failing op: its own steps, and every other worker's steps on the same key
 * close to it (and, for a session the audit found overwritten, the steps of the op that overwrote
 * it), ordered by start. Undefined when the op fell outside what the workers recorded (they record
 * only their first statements). `keyValueOf` names each key by the scenario's own value for it.
 */
export function timelineOf(
  sample: Pick<OpSample, 'worker' | 'op' | 'key' | 'audit'> & { error?: Pick<ErrorRecord, 'code'> },
  events: readonly StepEvent[],
  keyValueOf: KeyValueOf = noValue,
): TimelineEntry[] | undefined {
  if (sample.key === undefined) return undefined;
  const key = sample.key;
  const own = events.filter((e) => e.worker === sample.worker && e.op === sample.op);
  const firstOnKey = own.findIndex((e) => e.key === key);
  if (firstOnKey === -1) return undefined;
  // The op's steps from the moment it drew this key, on this key or on none (BEGIN, COMMIT):
  // earlier draws were other keys, and the expiry that follows the op is about an older one.
  const drawn = own.slice(firstOnKey).filter((e) => e.key === undefined || e.key === key);
  // The BEGIN of the transaction the op drew the key in, when one was open: without it, the op's
  // writes in it would read as autocommitted, each letting its lock go as it returned.
  const begun = openTransactionStart(own, firstOnKey);
  const ownSteps = begun ? [begun, ...drawn] : drawn;
  const from = drawn[0]!.startUs - MARGIN_US;
  const to = ownSteps[ownSteps.length - 1]!.endUs + MARGIN_US;
  // Other ops that touched the key near it are shown whole, so the reader sees their check too.
  // A step is near when it overlaps the window, not only when it starts in it: the insert the op
  // collided with may have begun well before, on a loaded machine. A write in a transaction holds
  // its key until the transaction ends, so it is near while its lock is.
  const onKey = events.filter((e) => e.worker !== sample.worker && e.key === key);
  const touching = new Set(onKey.map(opId));
  const releases = lockReleases(events.filter((e) => touching.has(opId(e)) && (e.key === key || e.key === undefined)));
  const shown = new Set(onKey.filter((e) => Math.max(e.endUs, releases.get(e)?.endUs ?? 0) >= from && e.startUs <= to).map(opId));
  // The op the audit found in the session's place, wherever it ran.
  const overwriter = sample.audit?.found ? namedOps(sample.audit.found)[0] : undefined;
  if (overwriter) shown.add(overwriter);
  const others = events.filter((e) => shown.has(opId(e)) && (e.key === key || e.key === undefined));
  // A violation the audit found raised no error: no statement of it failed.
  const failing = sample.audit ? undefined : failingStep(ownSteps, sample.error?.code);
  return entries([...ownSteps, ...others], failing, keyValueOf);
}

/**
 * The steps of the ops a scenario's audit named (`w1:op3` in its message, as written into the rows
 * by `ctx.owner`): for a violation no statement raised, the ops whose writes broke the invariant.
 */
export function timelineOfNamedOps(message: string, events: readonly StepEvent[], keyValueOf: KeyValueOf = noValue): TimelineEntry[] | undefined {
  const named = new Set(namedOps(message));
  if (named.size < 2) return undefined;
  const steps = events.filter((e) => named.has(opId(e)));
  // Only when every named op was recorded: half a race proves nothing.
  if (new Set(steps.map(opId)).size !== named.size) return undefined;
  return entries(steps, undefined, keyValueOf);
}

const noValue: KeyValueOf = () => undefined;

function entries(steps: readonly StepEvent[], failing: StepEvent | undefined, keyValueOf: KeyValueOf): TimelineEntry[] {
  const sorted = [...steps].sort((a, b) => a.startUs - b.startUs || a.endUs - b.endUs);
  const marks = timelineMarks(sorted, failing);
  const zero = sorted[0]!.startUs;
  const ms = (us: number) => (us - zero) / 1000;
  return sorted.map((e) => {
    const waited = marks.waitedFor.get(e);
    const keyValue = e.key === undefined ? undefined : keyValueOf(e.key);
    return {
      atMs: ms(e.startUs),
      endMs: ms(e.endUs),
      worker: e.worker,
      op: e.op,
      step: e.step,
      ...(e.key !== undefined && { key: e.key }),
      ...(keyValue !== undefined && { keyValue }),
      result: e.result,
      ...(e === marks.failed && { role: 'failed' as const }),
      ...(e === marks.won && { role: 'won' as const }),
      ...(waited && { waitedFor: `w${waited.worker} op${waited.op} ${waited.step}` }),
    };
  });
}

/** The op's transaction start before its statement `index`, if no end came between. */
function openTransactionStart(own: readonly StepEvent[], index: number): StepEvent | undefined {
  for (let i = index - 1; i >= 0; i--) {
    if (isTransactionEnd(own[i]!)) return undefined;
    if (isTransactionStart(own[i]!)) return own[i];
  }
  return undefined;
}

/** `w2:op17` names worker 2's op 17: how ops sign the rows they write. */
function namedOps(text: string): string[] {
  return [...text.matchAll(/\bw(\d+):op(\d+)\b/g)].map((m) => `${m[1]}:${m[2]}`);
}
