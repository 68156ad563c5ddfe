/**
 * The proxy's hooks that put its lanes under a lane schedule (harness/explore/lane-schedule.ts):
 * each client connection named by one of the schedule's lanes has every statement held until the
 * schedule releases it, and the schedule is told how each ended and when the client left.
 */
import type { LaneSchedule, LaneStepOutcome } from '../../../harness/explore/lane-schedule.ts';
import type { Lane, ProxyHooks, Statement, StatementOutcome } from './types.ts';

export interface ScheduledHooksOptions {
  /** The schedule's lane names, in its order: a connection whose name is not among them passes unheld. */
  lanes: readonly string[];
  /** A connection's name: its application_name unless told otherwise (`PGAPPNAME`, `?application_name=`). */
  nameOf?(lane: Lane): string | undefined;
}

/** The hooks a schedule needs; the rest of `ProxyHooks` is the caller's. */
export interface ScheduledHooks {
  beforeStatement(lane: Lane, statement: Statement): Promise<void>;
  afterStatement: NonNullable<ProxyHooks['afterStatement']>;
  laneClosed: NonNullable<ProxyHooks['laneClosed']>;
}

/**
 * `beforeStatement`, `afterStatement` and `laneClosed` for `startPostgresProxy`, driving `schedule`.
 * WARNING: a schedule lane belongs to the first connection that bears its name; a second one
 * (a reconnect, a pool's second connection) has its statements refused, which ends it.
 */
export function scheduledHooks(schedule: LaneSchedule, options: ScheduledHooksOptions): ScheduledHooks {
  const nameOf = options.nameOf ?? ((lane: Lane) => lane.applicationName);
  /** Proxy lane id → schedule lane; -1 for a connection the schedule does not hold. */
  const indexOf = new Map<number, number>();
  const claimed = new Set<number>();

  const scheduleLane = (lane: Lane): number => {
    let index = indexOf.get(lane.id);
    if (index === undefined) {
      const name = nameOf(lane);
      index = name === undefined ? -1 : options.lanes.indexOf(name);
      if (index >= 0 && claimed.has(index)) throw new Error(`a second connection named ${JSON.stringify(name)}: the schedule has one lane per name`);
      if (index >= 0) claimed.add(index);
      indexOf.set(lane.id, index);
    }
    return index;
  };

  return {
    async beforeStatement(lane, statement) {
      const index = scheduleLane(lane);
      if (index < 0) return;
      // After startup, which the proxy waits for before any statement: BackendKeyData came first.
      await schedule.arrive(index, statement.seq, statement.texts.join('; ') || statement.messages, lane.serverPid ?? 0);
    },
    afterStatement(lane, statement, outcome) {
      const index = indexOf.get(lane.id);
      if (index !== undefined && index >= 0) schedule.finished(index, statement.seq, stepOutcome(outcome));
    },
    laneClosed(lane) {
      const index = indexOf.get(lane.id);
      if (index !== undefined && index >= 0) schedule.left(index);
    },
  };
}

/** What the schedule records of a statement's end: its command tags or its error, in the server's words. */
function stepOutcome(outcome: StatementOutcome): LaneStepOutcome {
  if (outcome.kind !== 'ready') return { result: outcome.kind };
  if (outcome.error === undefined) return { result: outcome.tags.join(', ') || 'ok' };
  return { result: 'error', error: { code: outcome.error.code, message: outcome.error.message } };
}
