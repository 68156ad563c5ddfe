/**
 * `--history`: every op of a run as JSON Lines in Jepsen's history shape, for checkers other than
 * racelab's own (Elle's rw-register model, say). Each worker streams its ops to a file of its own
 * as they happen; the engine merges the files by time into one history per scenario run. Memory
 * stays flat however long the run: nothing is kept but a write buffer.
 *
 * One op is one transaction, `f: "txn"`, whose value is the list of micro-ops its statements
 * made on keys: `["r", key, value]` and `["w", key, value]`. docs/reports.md documents the mapping.
 */
import { once } from 'node:events';
import { closeSync, createReadStream, createWriteStream, openSync, writeSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { CAPACITY, LOUD_VIOLATIONS, type Outcome } from './contract/outcomes.ts';

/** A micro-op: a read of a key and what it found, or a write of a key and what it wrote (null: deleted). */
export type MicroOp = ['r' | 'w', string, string | null];

/** One line of the history, as Jepsen's `jepsen.history` op. */
export interface HistoryOp {
  index: number;
  /** `invoke` when the op began; then `ok` (it took effect), `fail` (it certainly did not) or `info` (nobody knows). */
  type: 'invoke' | 'ok' | 'fail' | 'info';
  /** The worker's number, as racelab labels it (`w1` is process 1). */
  process: number;
  /** Nanoseconds since the run began (its tasks were handed to the workers), on one monotonic clock. */
  time: number;
  /** `txn`: one op of the scenario; `expire`: the worker deleting its oldest sessions between ops, to keep the key space's occupancy. */
  f: 'txn' | 'expire';
  /** Null on invoke: what an op reads and writes is known only once it has run. */
  value: MicroOp[] | null;
  /** racelab's own fields: the op's number in its worker, its outcome and, for a failure, the database's words. */
  op: number;
  outcome?: Outcome;
  error?: string;
  /**
   * The scenario's own statements (`ctx.db`, or its application's driver), in order: the SQL and
   * what it returned (`1 row`) or raised. Absent for an op that sent none.
   */
  statements?: HistoryStatement[];
}

export interface HistoryStatement {
  sql: string;
  result: string;
}

/** The present reads a statement could not see the value of: `exists()` answers yes or no. */
const PRESENT = 'present';

const FLUSH_BYTES = 64 * 1024;

/** Outcomes after which the op certainly took no effect: the database refused it and rolled back. */
const FAILED: readonly Outcome[] = [...LOUD_VIOLATIONS, ...CAPACITY];

/** How an op's outcome reads in a history. */
function completionType(outcome: Outcome): 'ok' | 'fail' | 'info' {
  if (outcome === 'ok') return 'ok';
  return FAILED.includes(outcome) ? 'fail' : 'info';
}

/**
 * What a statement did to a key, as micro-ops: `written` is what a write stores (the op's name).
 * Statements that neither read nor write a key (BEGIN, a lock, a scenario's own query) make none.
 */
export function microOps(step: string, key: string | undefined, value: unknown, written: string): MicroOp[] {
  if (key === undefined && step !== 'read') return [];
  switch (step) {
    case 'exists':
    case 'existsForUpdate':
      return [['r', key!, value ? PRESENT : null]];
    case 'insert':
      return [['w', key!, written]];
    case 'insertIfAbsent':
      return [value ? ['w', key!, written] : ['r', key!, PRESENT]];
    case 'update':
      return [value ? ['w', key!, written] : ['r', key!, null]];
    case 'deleteOwned':
      return [value ? ['w', key!, null] : ['r', key!, PRESENT]];
    case 'read':
      return [...(value as Map<string, string>)].map(([k, v]) => ['r', k, v] as MicroOp);
    default:
      return [];
  }
}

/** A worker's history, streamed to its own file. */
export class WorkerHistory {
  private readonly fd: number;
  private buffer: string[] = [];
  private bytes = 0;
  private ops: MicroOp[] = [];
  private statements: HistoryStatement[] = [];
  private f: HistoryOp['f'] = 'txn';
  /** An expiry's invoke, written only if the expiry touches a key: most do nothing. */
  private pendingInvoke: Omit<HistoryOp, 'index'> | undefined;

  constructor(
    path: string,
    private readonly worker: number,
    private readonly zeroUs: number,
  ) {
    this.fd = openSync(path, 'w');
  }

  invoke(op: number, nowUs: number, f: HistoryOp['f'] = 'txn'): void {
    this.ops = [];
    this.statements = [];
    this.f = f;
    const invoke = { type: 'invoke' as const, process: this.worker + 1, time: this.ns(nowUs), f, value: null, op: op + 1 };
    if (f === 'txn') this.push(invoke);
    else this.pendingInvoke = invoke;
  }

  /** A statement of the current op; a failed one is recorded as attempted. */
  statement(ops: readonly MicroOp[]): void {
    if (ops.length === 0) return;
    if (this.pendingInvoke) {
      this.push(this.pendingInvoke);
      this.pendingInvoke = undefined;
    }
    this.ops.push(...ops);
  }

  /** A statement of the scenario's own SQL in the current op, and what it returned or raised. */
  sql(text: string, result: string): void {
    this.statements.push({ sql: text, result });
  }

  complete(op: number, outcome: Outcome, nowUs: number, error?: string): void {
    if (this.pendingInvoke) {
      // An expiry that touched nothing: no op at all.
      this.pendingInvoke = undefined;
      return;
    }
    const type = completionType(outcome);
    this.push({ type, process: this.worker + 1, time: this.ns(nowUs), f: this.f, value: this.ops, op: op + 1, outcome, ...(error !== undefined && { error }), ...(this.statements.length > 0 && { statements: this.statements }) });
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private ns(us: number): number {
    return Math.max(0, Math.round((us - this.zeroUs) * 1000));
  }

  private push(op: Omit<HistoryOp, 'index'>): void {
    const line = `${JSON.stringify(op)}\n`;
    this.buffer.push(line);
    this.bytes += line.length;
    if (this.bytes >= FLUSH_BYTES) this.flush();
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    writeSync(this.fd, this.buffer.join(''));
    this.buffer = [];
    this.bytes = 0;
  }
}

/**
 * Merges the workers' files (each ordered by time, since a worker's ops follow one another) into
 * one history ordered by time, numbering the ops, and removes them. Reads one line per file at a
 * time.
 */
export async function mergeHistories(parts: readonly string[], into: string): Promise<number> {
  const readers = parts.map((path) => createInterface({ input: createReadStream(path), crlfDelay: Infinity })[Symbol.asyncIterator]());
  const heads: (Omit<HistoryOp, 'index'> | undefined)[] = await Promise.all(readers.map(next));
  const out = createWriteStream(into);
  let index = 0;
  try {
    for (;;) {
      let earliest = -1;
      for (let i = 0; i < heads.length; i++) {
        const head = heads[i];
        if (head && (earliest === -1 || head.time < heads[earliest]!.time)) earliest = i;
      }
      if (earliest === -1) break;
      const { type, process, time, f, value, ...rest } = heads[earliest]!;
      // Jepsen's field order first, racelab's own after.
      if (!out.write(`${JSON.stringify({ index: index++, type, process, time, f, value, ...rest })}\n`)) await once(out, 'drain');
      heads[earliest] = await next(readers[earliest]!);
    }
  } finally {
    out.end();
    await once(out, 'finish');
    await Promise.all(parts.map((path) => rm(path, { force: true })));
  }
  return index;
}

async function next(reader: AsyncIterator<string>): Promise<Omit<HistoryOp, 'index'> | undefined> {
  for (;;) {
    const { value, done } = await reader.next();
    if (done) return undefined;
    if (value.trim() !== '') return JSON.parse(value) as Omit<HistoryOp, 'index'>;
  }
}
