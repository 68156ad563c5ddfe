/**
 * Explore's schedule for lanes: processes racelab does not run in its worker threads, whose
 * statements reach it one at a time through an asynchronous hook (the wire proxy's
 * `beforeStatement`). Each lane's next statement is held until the policy releases it, and a
 * release waits until every statement released before it has finished or is provably blocked
 * inside the database: the rule the turnstile keeps for worker threads (explorer.ts), here on one
 * event loop, so no shared memory and no Atomics.
 *
 * It names no database: whether a statement waits on another lane's lock is asked through
 * `blocked`, handed in (`Database.blockedBackends`, or a query of the server's own).
 */
import { HarnessFailure } from './harness-failure.ts';
import { ScheduleError, type SchedulePolicy } from './schedule.ts';
import type { LaneStepRecord } from './step-log.ts';
import type { Decision } from './turnstile.ts';

export interface LaneScheduleOptions {
  /** The lanes by the name each is known by (a client's application_name, say); a lane is its index here. */
  lanes: readonly string[];
  /** Which holding lane goes next: `orderPolicy` replays an order, `choicesPolicy` takes fast-check's choices. */
  policy: SchedulePolicy;
  /**
   * Of the connections `ids` (each running statement's), those waiting for a lock that one of
   * `holders` (every lane's connection) holds: `Database.blockedBackends`.
   */
  blocked(ids: readonly number[], holders: readonly number[]): Promise<ReadonlySet<number>>;
  /** Nothing arrives, finishes or is seen waiting for this long: the schedule ends, failed. Default 10 s, explore's own bound. */
  stuckMs?: number;
  /** How long a released statement runs, nothing else changing, before the server is asked whether it waits. */
  pollMs?: number;
}

/** How a held or released statement ended, as the lane's connection reported it. */
export interface LaneStepOutcome {
  /** A command tag (`INSERT 0 1`), `error`, `dropped` (never sent) or `lost` (sent, its lane ended first). */
  result: string;
  error?: { code?: string; message: string };
}

export interface LaneScheduleResult {
  /** Every release, in order: `decisions.map((d) => d.worker)` replays it with `orderPolicy`. */
  decisions: Decision[];
  /** Every statement, in the order it arrived, as it stood when the schedule ended. */
  steps: LaneStepRecord[];
  /**
   * Why the schedule ended before every lane had left: stuck past its bound or stopped (a
   * HarnessFailure), or the policy named a lane that could not move (a ScheduleError). The lanes'
   * held statements were refused with the same error.
   */
  failure?: HarnessFailure | ScheduleError;
}

interface Held {
  step: LaneStepRecord;
  release(): void;
  refuse(error: Error): void;
}

interface LaneState {
  name: string;
  /** The connection its statements run on (a backend pid): what `blocked` is asked about. */
  serverId?: number;
  held: Held | undefined;
  running: LaneStepRecord | undefined;
  arrived: number;
  left: boolean;
}

const STUCK_MS = 10_000;
const POLL_MS = 2;

/**
 * Releases the lanes' statements one at a time in the policy's order. `done` resolves once every
 * lane has left, or with `failure` once the schedule cannot go on; it never rejects.
 *
 * WARNING: the first release waits for every lane to hold a statement or leave, so a lane that
 * never connects ends the schedule at the stuck bound, named in the failure.
 */
export class LaneSchedule {
  readonly done: Promise<LaneScheduleResult>;
  private readonly lanes: LaneState[];
  private readonly steps: LaneStepRecord[] = [];
  private readonly stepOf = new Map<string, LaneStepRecord>();
  private readonly decisions: Decision[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly stuckMs: number;
  private readonly pollMs: number;
  /** Orders every release and every end. */
  private clock = 0;
  /** Bumped on every change a decision depends on. */
  private changes = 0;
  private last: number | undefined;
  private failure: HarnessFailure | ScheduleError | undefined;
  private askFailed: string | undefined;

  constructor(private readonly options: LaneScheduleOptions) {
    this.lanes = options.lanes.map((name) => ({ name, held: undefined, running: undefined, arrived: 0, left: false }));
    this.stuckMs = options.stuckMs ?? STUCK_MS;
    this.pollMs = options.pollMs ?? POLL_MS;
    this.done = this.run();
  }

  /**
   * Lane `lane`'s statement `seq`, on the connection `serverId`, waits for its release: the
   * promise resolves when it may be sent, and rejects with the schedule's failure.
   */
  arrive(lane: number, seq: number, sql: string, serverId: number): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const state = this.lanes[lane];
    if (state === undefined) return Promise.reject(new RangeError(`lane ${lane} is not one of the schedule's ${this.lanes.length} lanes`));
    if (state.left) return Promise.reject(new HarnessFailure(`lane ${state.name} sent a statement after it left`));
    if (state.held !== undefined) return Promise.reject(new HarnessFailure(`lane ${state.name} sent statement ${seq} while statement ${state.held.step.seq} was held`));
    state.serverId = serverId;
    state.arrived++;
    const step: LaneStepRecord = { lane, seq, sql, waited: false, result: 'unfinished' };
    this.steps.push(step);
    this.stepOf.set(`${lane}:${seq}`, step);
    return new Promise<void>((release, refuse) => {
      state.held = { step, release, refuse };
      this.changed();
    });
  }

  /** Lane `lane`'s statement `seq` ended: answered, or (its client gone) dropped while held or lost while running. */
  finished(lane: number, seq: number, outcome: LaneStepOutcome): void {
    const step = this.stepOf.get(`${lane}:${seq}`);
    const state = this.lanes[lane];
    if (step === undefined || state === undefined || step.completedAt !== undefined) return;
    this.end(step, outcome);
    if (state.running === step) state.running = undefined;
    if (state.held?.step === step) state.held = undefined;
    this.changed();
  }

  /** Lane `lane`'s client is gone: it takes no further part, and a statement it held is never released. */
  left(lane: number): void {
    const state = this.lanes[lane];
    if (state === undefined || state.left) return;
    state.left = true;
    if (state.held !== undefined) this.end(state.held.step, { result: 'dropped' });
    if (state.running !== undefined) this.end(state.running, { result: 'lost' });
    state.held = undefined;
    state.running = undefined;
    this.changed();
  }

  /** Ends the schedule now, failed with `why`: every held statement is refused. */
  stop(why: string): void {
    this.fail(new HarnessFailure(why));
  }

  private async run(): Promise<LaneScheduleResult> {
    try {
      await this.decideAll();
    } catch (error) {
      this.fail(error instanceof ScheduleError || error instanceof HarnessFailure ? error : new HarnessFailure(String(error)));
    }
    // A snapshot: outcomes told after the end (a refused statement dropped) do not change the result.
    const result: LaneScheduleResult = { decisions: [...this.decisions], steps: this.steps.map((step) => ({ ...step })) };
    if (this.failure !== undefined) result.failure = this.failure;
    return result;
  }

  private async decideAll(): Promise<void> {
    let progress = this.changes;
    let deadline = Date.now() + this.stuckMs;
    for (;;) {
      if (this.failure !== undefined || this.lanes.every((lane) => lane.left)) return;
      const seen = this.changes;
      if (seen !== progress) {
        progress = seen;
        deadline = Date.now() + this.stuckMs;
      }
      if (Date.now() >= deadline) {
        const asked = this.askFailed === undefined ? '' : `; asking the server whether a statement waits failed: ${this.askFailed}`;
        throw new HarnessFailure(`lane schedule stuck: nothing moved for ${this.stuckMs} ms (${this.legend()})${asked}`);
      }
      // A lane between statements, or not yet connected: its client moves next, whatever the policy says.
      if (this.lanes.some((lane) => !lane.left && lane.held === undefined && lane.running === undefined)) {
        await this.wait(seen, deadline - Date.now());
        continue;
      }
      const running = this.lanes.filter((lane) => !lane.left && lane.running !== undefined);
      if (running.length > 0) {
        if (await this.wait(seen, this.pollMs)) continue;
        if (!(await this.allWaiting(running, seen, deadline))) continue;
      }
      const pending = this.lanes.flatMap((lane, index) => (!lane.left && lane.held !== undefined && lane.running === undefined ? [index] : []));
      // Every running statement waits on another's lock, and nothing is held: only the database
      // (its deadlock detector, a lock timeout) moves this on, or the stuck bound ends it.
      if (pending.length === 0) await this.wait(seen, deadline - Date.now());
      else this.release(pending);
    }
  }

  /** True when the server says every running statement waits for a lock a lane holds, and nothing changed meanwhile. */
  private async allWaiting(running: LaneState[], seen: number, deadline: number): Promise<boolean> {
    const ids = running.map((lane) => lane.serverId);
    if (ids.some((id) => id === undefined)) return false;
    const holders = this.lanes.flatMap((lane) => (lane.serverId === undefined ? [] : [lane.serverId]));
    let answer: ReadonlySet<number> | undefined;
    const asked = this.options.blocked(ids as number[], holders).then(
      (blocked) => void (answer = blocked),
      (error: unknown) => void (this.askFailed = error instanceof Error ? error.message : String(error)),
    );
    // A statement that finishes while the server is asked moves the schedule on at once.
    await this.wait(seen, deadline - Date.now(), asked);
    if (answer === undefined || this.changes !== seen || !ids.every((id) => answer!.has(id!))) return false;
    for (const lane of running) lane.running!.waited = true;
    return true;
  }

  private release(pending: number[]): void {
    const at = this.decisions.length;
    let chosen: number;
    try {
      chosen = this.options.policy.choose(pending, at, this.last);
    } catch (error) {
      if (error instanceof ScheduleError) throw new ScheduleError(`lane schedule, release ${at + 1}: ${error.message} (${this.legend()})`);
      throw error;
    }
    const state = this.lanes[chosen];
    if (state === undefined || !pending.includes(chosen)) throw new ScheduleError(`lane schedule, release ${at + 1}: the policy chose lane ${chosen}, which holds no statement to release (${this.legend()})`);
    const held = state.held!;
    state.held = undefined;
    state.running = held.step;
    held.step.releasedAt = ++this.clock;
    this.decisions.push({ at, pending, worker: chosen });
    this.last = chosen;
    this.changed();
    held.release();
  }

  private end(step: LaneStepRecord, outcome: LaneStepOutcome): void {
    step.completedAt = ++this.clock;
    step.result = outcome.result;
    if (outcome.error !== undefined) step.error = outcome.error;
  }

  private fail(error: HarnessFailure | ScheduleError): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    for (const lane of this.lanes) {
      const held = lane.held;
      lane.held = undefined;
      held?.refuse(error);
    }
    this.changed();
  }

  /** Each lane as the policy numbers it, its name and where it stands: for an error a person reads. */
  private legend(): string {
    return this.lanes.map((lane, index) => `w${index + 1} = ${lane.name}: ${this.standing(lane)}`).join('; ');
  }

  private standing(lane: LaneState): string {
    const quoted = (step: LaneStepRecord) => JSON.stringify(step.sql.length > 60 ? `${step.sql.slice(0, 59)}…` : step.sql);
    if (lane.left) return 'gone';
    if (lane.running !== undefined) return `running ${quoted(lane.running)}${lane.running.waited ? ', seen waiting for a lock' : ''}`;
    if (lane.held !== undefined) return `holding ${quoted(lane.held.step)}`;
    return lane.arrived === 0 ? 'no statement yet' : 'between statements';
  }

  private changed(): void {
    this.changes++;
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }

  /**
   * Resolves true once anything changes after `seen`, false after `ms` (or once `also` settles with
   * nothing changed). Its timer is cleared whichever comes first, so a finished schedule holds no timer.
   */
  private wait(seen: number, ms: number, also?: Promise<void>): Promise<boolean> {
    if (this.changes !== seen) return Promise.resolve(true);
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(finish);
        resolve(this.changes !== seen);
      };
      const timer = setTimeout(finish, Math.max(0, ms));
      this.waiters.add(finish);
      void also?.then(finish);
    });
  }
}
