/**
 * One process of a command scenario, as racelab accounts for it: the statements the proxy saw it
 * send and the op lines it printed, turned into the same WorkerReport a worker thread sends, so
 * that findings, timelines and reports treat its ops as any worker's.
 *
 * An op's statements are those the process began before it printed the op's line: it prints the
 * line once the op's last statement has answered, and begins the next op's first statement after
 * it (run-commands.ts makes sure the line is read before that statement counts as begun). The
 * line may still arrive before the proxy has seen that last statement end (a driver hands its
 * caller the error before the server's ReadyForQuery arrives), so an op is accounted for once
 * every statement begun before its line has ended: a lane's statements end in the order they began.
 */
import type { WorkerFailureRecord, WorkerReport } from '../protocol.ts';
import type { StepEvent } from '../recording-store.ts';
import { LOUD_VIOLATIONS, type Outcome } from '../contract/outcomes.ts';
import type { ErrorRecord } from '../contract/results.ts';
import type { WireStatement } from '../contract/wire.ts';
import { sqlVerb } from '../observed-store.ts';
import { WorkerTally } from '../worker-tally.ts';
import type { OpSpan } from './key-spans.ts';
import type { OpLine } from './op-line.ts';

/** Statements kept as timeline events per process, as a worker keeps its first ones (worker-client.ts). */
const RECORDED_STEPS = 4_096;

/** Statements that name no key whatever op sends them. */
const KEYLESS_VERBS = new Set(['begin', 'start', 'commit', 'end', 'rollback', 'abort', 'savepoint', 'release', 'set', 'show', 'reset', 'discard']);

export class CommandLane {
  private readonly tally: WorkerTally;
  private readonly events: StepEvent[] = [];
  readonly spans: OpSpan[] = [];
  /** The op under way: its first statement's start, its last's end, its last error. */
  private opStartUs: number | undefined;
  private opEndUs = 0;
  private opError: NonNullable<WireStatement['error']> | undefined;
  /** Where the op's first kept event is: its events learn the op's key when the op's line names it. */
  private opFirstEvent = 0;
  private failure: WorkerFailureRecord | undefined;
  /** Statements begun and ended so far: the ends come in the order of the beginnings. */
  private begun = 0;
  private ended = 0;
  /** Op lines read before every statement begun ahead of them had ended, each with that count. */
  private readonly waiting: { line: OpLine; begunBefore: number }[] = [];

  constructor(private readonly worker: number) {
    this.tally = new WorkerTally(worker);
    this.tally.start();
  }

  /** The start barrier let the processes go: the zero of its samples' times and of its elapsed time. */
  released(): void {
    this.tally.start();
  }

  /** Ops accounted for: reported, with every statement they began ended. */
  get ops(): number {
    return this.tally.report.ops;
  }

  /** Op lines the process printed, accounted for or still waiting for their statements' ends. */
  get linesRead(): number {
    return this.tally.report.ops + this.waiting.length;
  }

  /** Violations among them, for progress. */
  get violations(): number {
    return LOUD_VIOLATIONS.reduce((sum, outcome) => sum + this.tally.report.outcomes[outcome], 0);
  }

  /** A statement of this process is about to be forwarded. */
  statementBegun(): void {
    this.begun++;
  }

  /** The process's op line: the op ends once every statement it began has. */
  opLine(line: OpLine): void {
    this.waiting.push({ line, begunBefore: this.begun });
    this.settle();
  }

  /**
   * A statement ended: an earlier op whose statements have all ended is accounted for first. One
   * `dropped` never began (held or queued when its client left): it is no op's.
   */
  statement(statement: WireStatement): void {
    if (statement.ended === 'dropped') return;
    this.ended++;
    this.settle(this.ended - 1);
    this.account(statement);
    this.settle();
  }

  /** Accounts for the op lines whose statements (those begun before them) have all ended, `ended` of them having. */
  private settle(ended = this.ended): void {
    while (this.waiting.length > 0 && this.waiting[0]!.begunBefore <= ended) this.opEnded(this.waiting.shift()!.line);
  }

  private account(statement: WireStatement): void {
    this.opStartUs ??= statement.startUs;
    this.opEndUs = Math.max(this.opEndUs, statement.endUs);
    if (statement.error) this.opError = statement.error;
    // Sent, and its connection ended before the answer: it may or may not have run.
    else if (statement.ended === 'lost') this.opError = { record: { message: `${sqlVerb(statement.sql)} was sent, and its connection ended before the answer` }, outcome: 'indeterminate' };
    if (this.events.length >= RECORDED_STEPS) return;
    const event: StepEvent = { worker: this.worker + 1, op: this.ops + 1, step: sqlVerb(statement.sql), startUs: statement.startUs, endUs: statement.endUs, result: statement.result, sql: statement.sql };
    if (statement.error || statement.ended !== 'ready') event.failed = true;
    if (statement.error?.record.code !== undefined) event.code = statement.error.record.code;
    this.events.push(event);
  }

  /**
   * The op ends. A failed op takes the outcome of the database error its
   * statements last drew (the store classified it: 23505 is an IntegrityError), with the program's
   * own account beside it; one that drew none failed for a reason of the program's own, `error`.
   * An ok op whose statements drew a violation absorbed it: a retry, as `ctx.retried()` counts one.
   */
  private opEnded(line: OpLine): void {
    const op = this.ops;
    this.tally.report.ops++;
    const drew = this.opError;
    if (line.outcome === 'ok') {
      if (drew?.outcome !== undefined && (LOUD_VIOLATIONS as readonly Outcome[]).includes(drew.outcome)) this.tally.report.retries++;
      this.tally.record('ok', op, line.keys[0], undefined);
    } else {
      // The database's own words whenever it raised anything, classified or not (a 42P01 is no race, but it is what happened).
      const outcome: Outcome = drew?.outcome ?? 'error';
      const record: ErrorRecord = drew !== undefined ? { ...drew.record } : { message: line.error ?? 'the program reported the op failed, and the database raised no error in it' };
      if (line.error !== undefined && drew !== undefined) record.raisedAs = line.error;
      if (line.traceback !== undefined) record.traceback = line.traceback;
      this.tally.record(outcome, op, line.keys[0], record);
    }
    if (this.opStartUs !== undefined && line.keys.length > 0) this.spans.push({ worker: this.worker, op, keys: line.keys, startUs: this.opStartUs, endUs: this.opEndUs });
    // The op's statements are about its key, as a worker's primitives are: what a timeline on that key gathers.
    const key = line.keys[0];
    if (key !== undefined) {
      for (let index = this.opFirstEvent; index < this.events.length; index++) {
        const event = this.events[index]!;
        // Transaction control and session settings are about no key, as an op scenario's begin and commit are not.
        if (!KEYLESS_VERBS.has(event.step)) event.key = key;
      }
    }
    this.opFirstEvent = this.events.length;
    this.opStartUs = undefined;
    this.opEndUs = 0;
    this.opError = undefined;
  }

  /** The process failed: it exited early or otherwise, or was stopped. The first failure is kept. */
  failed(failure: WorkerFailureRecord): void {
    this.failure ??= failure;
  }

  /** Once the process has ended: its ops still waiting for statements that will never end are accounted for as they stand. */
  report(): WorkerReport {
    while (this.waiting.length > 0) this.opEnded(this.waiting.shift()!.line);
    const report = this.tally.report;
    report.elapsedMs = this.tally.now();
    // The statements that ended (a dropped one never began, and is no statement of the process's).
    report.statements = this.ended;
    report.steps = this.events;
    if (this.failure) report.failure = this.failure;
    return report;
  }
}
