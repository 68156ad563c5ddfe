import type { Isolation } from '../contract/store.ts';

/** The most workers one interleaving has: the search's largest input. */
export const MAX_EXPLORE_WORKERS = 8;

/** One explore input: the run's shape, and the choices that decide its interleaving. */
export interface ExploreInput {
  workers: number;
  opsPerWorker: number;
  keySpace: number;
  isolation: Isolation;
  /** Seeds the workers' key draws, so a replay draws the same keys. */
  keySeed: number;
  /** At decision i, release pending[choices[i] mod pending.length]; past the end, round robin. */
  choices: number[];
}

/** Which pending worker to release at each decision. */
export interface SchedulePolicy {
  choose(pending: readonly number[], decision: number, last: number | undefined): number;
  /**
   * The policy as plain data, when it is one of the built-in ones: the workers rebuild it with
   * `policyFromPlan` and decide the steps they can among themselves, without a hop to the
   * coordinator for each. A policy without one is decided by the coordinator alone.
   */
  readonly plan?: SchedulePlan;
}

/** A built-in policy as data that crosses threads. */
export type SchedulePlan =
  | { kind: 'choices'; choices: readonly number[] }
  | { kind: 'order'; order: readonly number[]; after: 'round-robin' | 'lowest' };

/** The policy `plan` describes: the same choices on every thread. */
export function policyFromPlan(plan: SchedulePlan): SchedulePolicy {
  return plan.kind === 'choices' ? choicesPolicy(plan.choices) : orderPolicy(plan.order, plan.after);
}

/** Thrown when a replayed schedule does not fit the run it is replayed on. */
export class ScheduleError extends Error {
  override name = 'ScheduleError';
}

/**
 * The default once a schedule's own choices run out: the next pending worker after the one
 * released last. It never starves a worker, so every run ends.
 */
export function roundRobin(pending: readonly number[], last: number | undefined): number {
  if (last === undefined) return pending[0]!;
  return pending.find((worker) => worker > last) ?? pending[0]!;
}

/** fast-check's generated choices: indices into the pending workers. */
export function choicesPolicy(choices: readonly number[]): SchedulePolicy {
  return {
    plan: { kind: 'choices', choices },
    choose: (pending, decision, last) =>
      decision < choices.length ? pending[choices[decision]! % pending.length]! : roundRobin(pending, last),
  };
}

/**
 * A recorded order of released workers, replayed exactly; past its end, round robin, or the
 * lowest pending worker (exhaustive enumeration needs a choice that depends on nothing else).
 */
export function orderPolicy(order: readonly number[], after: 'round-robin' | 'lowest' = 'round-robin'): SchedulePolicy {
  return {
    plan: { kind: 'order', order, after },
    choose(pending, decision, last) {
      if (decision >= order.length) return after === 'lowest' ? pending[0]! : roundRobin(pending, last);
      const worker = order[decision]!;
      if (!pending.includes(worker)) {
        const ready = pending.map((w) => `w${w + 1}`).join(', ') || 'none';
        throw new ScheduleError(`--schedule step ${decision + 1} releases w${worker + 1}, but only ${ready} can move then`);
      }
      return worker;
    },
  };
}

/** A replayable interleaving: the run's shape and the exact order of releases. */
export interface ScheduleSpec extends Omit<ExploreInput, 'choices'> {
  /** Workers released, by index, in order. */
  order: number[];
}

const ISOLATION_SHORT: Record<Isolation, string> = { 'read-committed': 'rc', 'repeatable-read': 'rr', serializable: 'ser', deferred: 'def', immediate: 'imm' };

/** `workers=2 ops=1 keys=1 isolation=rc seed=0 order=1,2,1,2`: pasteable after `--schedule`. */
export function formatSchedule(spec: ScheduleSpec): string {
  return [
    `workers=${spec.workers}`,
    `ops=${spec.opsPerWorker}`,
    `keys=${spec.keySpace}`,
    `isolation=${ISOLATION_SHORT[spec.isolation]}`,
    `seed=${spec.keySeed}`,
    `order=${spec.order.map((w) => w + 1).join(',')}`,
  ].join(' ');
}

const FIELDS = ['workers', 'ops', 'keys', 'isolation', 'seed', 'order'] as const;

export function parseSchedule(text: string): ScheduleSpec {
  const fields = new Map<string, string>();
  for (const part of text.trim().split(/\s+/)) {
    const [name, value, ...rest] = part.split('=');
    if (!name || value === undefined || rest.length > 0 || !(FIELDS as readonly string[]).includes(name)) {
      throw new ScheduleError(`--schedule: ${JSON.stringify(part)} is not one of ${FIELDS.map((f) => `${f}=…`).join(' ')}`);
    }
    fields.set(name, value);
  }
  const missing = FIELDS.find((field) => !fields.has(field));
  if (missing) throw new ScheduleError(`--schedule needs ${missing}=…`);
  const whole = (field: string, min: number, max: number) => {
    const raw = fields.get(field)!;
    const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw new ScheduleError(`--schedule ${field} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
    }
    return value;
  };
  const isolation = (Object.keys(ISOLATION_SHORT) as Isolation[]).find((level) => ISOLATION_SHORT[level] === fields.get('isolation'));
  if (!isolation) throw new ScheduleError(`--schedule isolation must be one of ${Object.values(ISOLATION_SHORT).join(', ')}`);
  const workers = whole('workers', 2, MAX_EXPLORE_WORKERS);
  const orderText = fields.get('order')!;
  const order = orderText === '' ? [] : orderText.split(',').map((w) => {
    const worker = /^\d+$/.test(w) ? Number(w) : Number.NaN;
    if (!(worker >= 1 && worker <= workers)) throw new ScheduleError(`--schedule order names worker ${JSON.stringify(w)}; workers are 1 to ${workers}`);
    return worker - 1;
  });
  return {
    workers,
    opsPerWorker: whole('ops', 1, 20),
    keySpace: whole('keys', 1, 64),
    isolation,
    keySeed: whole('seed', 0, 2 ** 32 - 1),
    order,
  };
}
