import type { StepEvent } from './recording-store.ts';
import type { OpSample } from './types.ts';

/**
 * One statement of a timeline. Start and end are on the process's one monotonic clock, in
 * milliseconds from the timeline's first start, so statements of different workers compare.
 */
export interface TimelineEntry {
  /** When the client sent it. */
  atMs: number;
  /** When its result (or error) came back. */
  endMs: number;
  worker: number;
  op: number;
  step: string;
  key?: string;
  result: string;
  /**
   * `failed`: the statement that raised the violation; `won`: the other op's statement it lost to,
   * the latest successful insert, update or commit on the key that began before the failing one
   * ended.
   */
  role?: 'failed' | 'won';
  /**
   * The other op's statement this one most likely waited for: it began before that one ended and
   * ended within a lock hand-over of it (`w2 op5 commit`).
   */
  waitedFor?: string;
}

/**
 * How far before and after the failing op other workers' steps on its key are shown: a race's
 * window is a round trip or two, well under a millisecond here.
 */
const MARGIN_US = 1_000;
/** A statement that ends this soon after another's commit, having begun before it, was waiting for its lock. */
const HANDOVER_US = 2_000;

/**
 * The race around one failing op: its own steps, and every other worker's steps on the same key
 * close to it (and, for a session the audit found overwritten, the steps of the op that overwrote
 * it), ordered by start. Undefined when the op fell outside what the workers recorded (they record
 * only their first statements).
 */
export function timelineOf(sample: Pick<OpSample, 'worker' | 'op' | 'key' | 'audit'>, events: readonly StepEvent[]): TimelineEntry[] | undefined {
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
  // collided with may have begun well before, on a loaded machine.
  const shown = new Set(
    events
      .filter((e) => e.worker !== sample.worker && e.key === sample.key && e.endUs >= from && e.startUs <= to)
      .map(opId),
  );
  // The op the audit found in the session's place, wherever it ran.
  const overwriter = sample.audit?.found ? namedOps(sample.audit.found)[0] : undefined;
  if (overwriter) shown.add(overwriter);
  const others = events.filter((e) => shown.has(opId(e)) && (e.key === sample.key || e.key === undefined));
  const failing = sample.audit ? undefined : lastFailed(ownSteps);
  return entries([...ownSteps, ...others], failing);
}

/**
 * The steps of the ops a scenario's audit named (`w1:op3` in its message, as written into the rows
 * by `ctx.owner`): for a violation no statement raised, the ops whose writes broke the invariant.
 */
export function timelineOfNamedOps(message: string, events: readonly StepEvent[]): TimelineEntry[] | undefined {
  const named = new Set(namedOps(message));
  if (named.size < 2) return undefined;
  const steps = events.filter((e) => named.has(opId(e)));
  // Only when every named op was recorded: half a race proves nothing.
  if (new Set(steps.map(opId)).size !== named.size) return undefined;
  return entries(steps, undefined);
}

function entries(steps: readonly StepEvent[], failing: StepEvent | undefined): TimelineEntry[] {
  const sorted = [...steps].sort((a, b) => a.startUs - b.startUs || a.endUs - b.endUs);
  const winner = failing && winnerOf(failing, sorted);
  const zero = sorted[0]!.startUs;
  const ms = (us: number) => (us - zero) / 1000;
  return sorted.map((e) => {
    const waited = waitedFor(e, sorted);
    return {
      atMs: ms(e.startUs),
      endMs: ms(e.endUs),
      worker: e.worker,
      op: e.op,
      step: e.step,
      ...(e.key !== undefined && { key: e.key }),
      result: e.result,
      ...(e === failing && { role: 'failed' as const }),
      ...(e === winner && { role: 'won' as const }),
      ...(waited && { waitedFor: `w${waited.worker} op${waited.op} ${waited.step}` }),
    };
  });
}

/** The op's statement that raised its error: its last one that failed. */
function lastFailed(steps: readonly StepEvent[]): StepEvent | undefined {
  return steps.findLast((e) => failed(e.result));
}

/**
 * The other op's latest successful insert, update or commit on the key that began before `failing`
 * ended: what made the row the failing statement ran into. A delete makes none.
 */
function winnerOf(failing: StepEvent, steps: readonly StepEvent[]): StepEvent | undefined {
  return steps.findLast(
    (e) =>
      opId(e) !== opId(failing) && e.startUs <= failing.endUs && !failed(e.result) && ((isWrite(e) && !isDelete(e)) || e.step === 'commit'),
  );
}

/** The other op's commit (or autocommitted write) that `e` spans the end of and ends just after. */
function waitedFor(e: StepEvent, steps: readonly StepEvent[]): StepEvent | undefined {
  if (!(isWrite(e) || failed(e.result) || e.step === 'existsForUpdate' || e.step === 'lockKey' || isTransactionEnd(e))) return undefined;
  return steps.find(
    (other) =>
      opId(other) !== opId(e) &&
      (isTransactionEnd(other) || isWrite(other)) &&
      e.startUs < other.endUs &&
      e.endUs >= other.endUs &&
      e.endUs - other.endUs <= HANDOVER_US,
  );
}

const opId = (e: Pick<StepEvent, 'worker' | 'op'>) => `${e.worker}:${e.op}`;

/** `w2:op17` names worker 2's op 17: how ops sign the rows they write. */
function namedOps(text: string): string[] {
  return [...text.matchAll(/\bw(\d+):op(\d+)\b/g)].map((m) => `${m[1]}:${m[2]}`);
}

/** A result that is an error: `23505 duplicate key …`, or `error …` without a code. */
function failed(result: string): boolean {
  return /^([0-9A-Z]{5}|error) /.test(result);
}

const WRITES = /^(insert|insertIfAbsent|update|deleteOwned|delete|upsert|merge)$/i;

function isWrite(e: StepEvent): boolean {
  if (e.result === 'conflict' || e.result === 'not mine' || e.result === '0 rows') return false;
  return WRITES.test(e.step) || /^(insert|update|delete)\b/i.test(e.step);
}

function isDelete(e: StepEvent): boolean {
  return /^delete/i.test(e.step);
}

function isTransactionEnd(e: StepEvent): boolean {
  return e.step === 'commit' || e.step === 'rollback';
}
