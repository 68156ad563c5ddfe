import { setTimeout as delay } from 'node:timers/promises';
import { isRead, type Amplifier } from './amplify/amplifier.ts';
import { outcomeOf } from './classify.ts';
import { databaseCode } from './error-record.ts';
import { UncontrolledTally } from './intercept/uncontrolled.ts';
import { returnedText, rowsText } from './rows-found.ts';
import { isWriteStep } from './write-steps.ts';
import type { Isolation, QueryClient, SessionRow, StatementEnd, StoreConnection } from './contract/store.ts';

/** An op's place in its worker's run, as its context knows it. */
export interface OpPosition {
  /** The op's index within its worker, from 0. */
  readonly op: number;
  readonly lastKey: string | undefined;
  /** The op's name, `w2:op17`: what its writes store. */
  readonly owner: string;
}

/**
 * What a finished statement returned: its value, and how to say it in racelab's words (`1 row:
 * n=0`, `conflict`). The words are made only by an observer that keeps them (`resultText`): past
 * its first few thousand statements a stress worker keeps none, and making them for every
 * statement would cost the hot path a string each.
 */
export interface StatementResult {
  value: unknown;
  describe(value: unknown): string;
}

/** A finished statement's value in racelab's words. */
export function resultText(result: StatementResult): string {
  return result.describe(result.value);
}

/**
 * A store that routes every statement through one pair of hooks, `beginStatement` and `endStatement`, so that a
 * subclass can watch or hold each statement (explore's turnstile, stress mode's timeline recorder)
 * without repeating the list of primitives. A scenario's own queries (`db`), its named steps
 * (`step`) and the statements its own code sends through an intercepted driver (`intercepted`)
 * pass the same hooks; statements inside a named step are part of it.
 *
 * The hooks are synchronous, and `endStatement` runs before the statement's caller sees its result: the
 * next statement of the op always begins after the last one was recorded as ended.
 */
export abstract class ObservedStore<Mark = unknown> implements StoreConnection {
  /**
   * Where the worker's op stands: which op it is, and the key it drew last, the key of steps
   * that name none. The worker hands over its op context once; nothing is copied per op.
   */
  position: OpPosition = { op: 0, lastKey: undefined, owner: '' };
  private insideStep = false;
  /**
   * Inside a named step, the first write the step sent (`insert`, `update` …: a primitive's name or
   * a query's verb), so that a step named by its author (`ctx.step('create', …)`) is known for the
   * write it made, not for its name. Undefined for a step that sent no write.
   */
  protected stepWrite: string | undefined;
  readonly db: QueryClient;
  /** Statements the op's code sent that racelab could not schedule (intercept/uncontrolled.ts). */
  readonly uncontrolled = new UncontrolledTally();
  /**
   * The error of the op's last statement (a ROLLBACK after it aside), when it failed with an error
   * its store classified; undefined once a later statement succeeded. How an op's error is known
   * when an ORM kept nothing of the driver's (Prisma's P2002): run-op.ts. The worker clears it
   * before each op.
   */
  lastStatementFailure: unknown;
  /** With `--amplify`: decides the holds after reads (amplify/amplifier.ts). */
  amplifier: Amplifier | undefined;
  /** The hold the next statement waits out before it begins, in ms. */
  private holdMs = 0;

  /** Drops a hold not yet waited out: it was meant for the op that read, not for what comes after it. */
  clearHold(): void {
    this.holdMs = 0;
  }

  constructor(protected readonly inner: StoreConnection) {
    this.db = {
      query: <Row,>(text: string, values?: readonly unknown[]) => {
        const step = sqlVerb(text);
        const send = () => this.inner.db.query<Row>(text, values);
        if (this.insideStep) {
          this.noteWrite(step);
          return send();
        }
        return this.observe(step, this.position.lastKey, send, undefined, describeRows, text);
      },
    };
  }

  /**
   * A statement begins: `step` names it (about `key`); `sql` is its text when it is a scenario's own
   * statement; `serverId` the connection it runs on when not the worker's own. Explore's turnstile
   * blocks here until the statement's turn.
   */
  protected abstract beginStatement(step: string, key: string | undefined, sql: string | undefined, serverId: number | undefined): Mark;
  /** The statement begun as `mark` ended: with `result`, or with `error` (already classified by its store). */
  protected abstract endStatement(mark: Mark, result: StatementResult | undefined, error?: unknown): void;

  /**
   * Runs the inner store's `primitive` on `argument` through the hooks unless a named step already
   * did: a step is observed once. The primitive and its argument come apart, rather than as a
   * closure over both, since every statement of a run passes here.
   */
  private statement<A, T>(step: string, key: string | undefined, primitive: (this: StoreConnection, argument: A) => Promise<T>, argument: A, describe: (value: T) => string): Promise<T> {
    if (this.insideStep) {
      this.noteWrite(step);
      return primitive.call(this.inner, argument);
    }
    return this.observe(step, key, primitive, argument, describe, undefined);
  }

  private observe<A, T>(
    step: string,
    key: string | undefined,
    primitive: (this: StoreConnection, argument: A) => Promise<T>,
    argument: A,
    describe: (value: T) => string,
    sql: string | undefined,
    named = false,
  ): Promise<T> {
    if (this.holdMs > 0) {
      const ms = this.holdMs;
      this.holdMs = 0;
      return delay(ms).then(() => this.observe(step, key, primitive, argument, describe, sql, named));
    }
    const mark = this.beginStatement(step, key, sql, undefined);
    let sent: Promise<T>;
    try {
      sent = primitive.call(this.inner, argument);
    } catch (error) {
      this.ended(step, error);
      this.endStatement(mark, undefined, error);
      throw error;
    }
    return sent.then(
      (value) => {
        this.ended(step, undefined);
        this.endStatement(mark, { value, describe: describe as (value: unknown) => string });
        if (this.amplifier !== undefined) this.holdMs = this.amplifier.holdAfter(isRead(step, named, this.stepWrite));
        return value;
      },
      (error: unknown) => {
        this.ended(step, error);
        this.endStatement(mark, undefined, error);
        throw error;
      },
    );
  }

  /**
   * A statement the scenario's own code sent through an intercepted driver, on the connection
   * `serverId`: a step named by its verb, or part of the named step under way. Returns what the
   * driver patch calls when it ends.
   */
  intercepted(sql: string, serverId: number | undefined): StatementEnd {
    const verb = sqlVerb(sql);
    if (this.insideStep) {
      this.noteWrite(verb);
      return (error) => this.ended(verb, error ?? undefined);
    }
    // A statement of the application's driver cannot wait: the hold after the read was for it.
    this.holdMs = 0;
    const mark = this.beginStatement(verb, this.position.lastKey, sql, serverId);
    return (error, rows, firstRow) => {
      this.ended(verb, error ?? undefined);
      if (error === undefined || error === null) this.endStatement(mark, { value: { rowCount: rows ?? 0, firstRow }, describe: describeIntercepted });
      else this.endStatement(mark, undefined, error);
    };
  }

  /** Keeps `lastStatementFailure` up to date: a ROLLBACK after the failure does not clear it. */
  private ended(step: string, error: unknown): void {
    if (step === 'rollback') return;
    this.lastStatementFailure = error !== undefined && outcomeOf(error) !== undefined ? error : undefined;
  }

  private noteWrite(step: string): void {
    if (this.stepWrite === undefined && isWriteStep(step)) this.stepWrite = step;
  }

  async step<T>(name: string, fn: () => Promise<T>): Promise<T> {
    if (this.insideStep) return fn();
    this.stepWrite = undefined;
    const inside = async () => {
      this.insideStep = true;
      try {
        return await fn();
      } finally {
        this.insideStep = false;
      }
    };
    return this.observe(name, this.position.lastKey, inside, undefined, describeValue, undefined, true);
  }

  get inTransaction(): boolean {
    return this.inner.inTransaction;
  }
  get backendPid(): number {
    return this.inner.backendPid;
  }
  exists(key: string) {
    return this.statement('exists', key, this.inner.exists, key, String);
  }
  existsForUpdate(key: string) {
    return this.statement('existsForUpdate', key, this.inner.existsForUpdate, key, String);
  }
  insert(row: SessionRow) {
    return this.statement('insert', row.key, this.inner.insert, row, ok);
  }
  insertIfAbsent(row: SessionRow) {
    return this.statement('insertIfAbsent', row.key, this.inner.insertIfAbsent, row, insertedOrConflict);
  }
  update(row: SessionRow) {
    return this.statement('update', row.key, this.inner.update, row, describeUpdated);
  }
  lockKey(key: string) {
    return this.statement('lockKey', key, this.inner.lockKey, key, ok);
  }
  begin(isolation: Isolation) {
    return this.statement('begin', undefined, this.inner.begin, isolation, ok);
  }
  commit() {
    return this.statement('commit', undefined, this.inner.commit, undefined, ok);
  }
  rollback() {
    return this.statement('rollback', undefined, this.inner.rollback, undefined, ok);
  }
  read(keys: readonly string[]) {
    return this.statement('read', keys.length === 1 ? keys[0] : undefined, this.inner.read, keys, describeRead);
  }
  deleteOwned(row: SessionRow) {
    return this.statement('deleteOwned', row.key, this.inner.deleteOwned, row, deletedOrNotMine);
  }
  close() {
    return this.inner.close();
  }
}

/** A short form of what a failed statement raised: `23505 duplicate key value …`. */
export function describeError(error: unknown): { text: string; code?: string; message: string } {
  const { message } = error as { message?: unknown };
  const code = databaseCode(error);
  const text = typeof message === 'string' ? message : String(error);
  return code !== undefined ? { text: `${code} ${text}`, code, message: text } : { text: `error ${text}`, message: text };
}

/** The statement's first word, lower-cased: the name of a scenario's own query as a step. */
export function sqlVerb(text: string): string {
  return /^\s*\(?\s*(\w+)/.exec(text)?.[1]?.toLowerCase() ?? 'query';
}

// What each primitive returned, in racelab's words: made once, not as a closure per statement.
const ok = () => 'ok';
const insertedOrConflict = (inserted: boolean) => (inserted ? 'inserted' : 'conflict');
const deletedOrNotMine = (deleted: boolean) => (deleted ? 'deleted' : 'not mine');
const describeRead = (rows: ReadonlyMap<string, string>) => rowsText(rows.size);
const describeUpdated = (rows: number) => rowsText(rows);
/** A query of the scenario's own: what it read, when it returned rows. */
const describeRows = (result: { rowCount: number; rows?: readonly unknown[] }) => rowsText(result.rowCount, result.rows?.[0]);
const describeValue = returnedText;
/** A statement of the application's own driver: its row count and the first row it read. */
const describeIntercepted = (value: unknown) => {
  const { rowCount, firstRow } = value as { rowCount: number; firstRow: unknown };
  return rowsText(rowCount, firstRow);
};
