import type { StepEvent } from './recording-store.ts';
import { isWriteStep, makesRowStep } from './write-steps.ts';

/*
 * What a recorded statement did to the locks of its key, read from facts recorded on it: its step's
 * name (or, for a step its author named, the first write it sent), whether it raised an error, and
 * whether it changed a row (racelab's own words for a primitive that changed nothing, or a row count). The same reading for every
 * database: PostgreSQL, InnoDB and SQLite all keep the lock a write or a locking read took until
 * its transaction ends, which in autocommit is the statement's own end. A statement that raised an
 * error is taken to hold none: it made no row for another to wait on.
 */

/** Reads that lock: the row, or the key's own lock. */
const LOCKING_STEPS = new Set(['existsForUpdate', 'lockKey']);
/** What the session primitives (observed-store.ts) and a query's row count say of a write that changed nothing. */
const UNCHANGED = new Set(['conflict', 'not mine', '0 rows']);

/** A statement that writes, whatever it returned: it may have waited for another's lock on its row. */
function isWrite(e: StepEvent): boolean {
  return isWriteStep(e.step) || e.wrote !== undefined;
}

/** A write that returned, having changed a row. */
export function changedRow(e: StepEvent): boolean {
  return isWrite(e) && !e.failed && !UNCHANGED.has(e.result);
}

/** A statement that makes a row when it changes one: an insert, or an upsert that inserted. */
export function makesRow(e: StepEvent): boolean {
  return makesRowStep(e.step) || (e.wrote !== undefined && makesRowStep(e.wrote));
}

/** A statement that asks for a lock on its key, and so may wait for another op's. */
export function mayWait(e: StepEvent): boolean {
  return e.key !== undefined && (isWrite(e) || LOCKING_STEPS.has(e.step));
}

/** A statement that returned holding a lock on its key: a write that changed a row, or a locking read. */
function tookLock(e: StepEvent): boolean {
  return e.key !== undefined && !e.failed && (changedRow(e) || LOCKING_STEPS.has(e.step));
}

/** `begin`, or `start`: a scenario's own START TRANSACTION, named by its verb. */
export function isTransactionStart(e: StepEvent): boolean {
  return e.step === 'begin' || e.step === 'start';
}

export function isTransactionEnd(e: StepEvent): boolean {
  return e.step === 'commit' || e.step === 'rollback';
}

export const opId = (e: Pick<StepEvent, 'worker' | 'op'>) => `${e.worker}:${e.op}`;

/**
 * For each statement of `steps` that took a lock, the statement that let it go: the statement
 * itself when no transaction of its op was open (autocommit), else its op's next commit or
 * rollback (which lets it go whether or not it succeeds). A lock whose release was not recorded
 * has no entry.
 */
export function lockReleases(steps: readonly StepEvent[]): Map<StepEvent, StepEvent> {
  const releases = new Map<StepEvent, StepEvent>();
  for (const opSteps of byOp(steps).values()) {
    let open = false;
    let held: StepEvent[] = [];
    for (const e of opSteps) {
      if (isTransactionStart(e)) {
        open = true;
      } else if (isTransactionEnd(e)) {
        for (const lock of held) releases.set(lock, e);
        held = [];
        open = false;
      } else if (tookLock(e)) {
        if (open) held.push(e);
        else releases.set(e, e);
      }
    }
  }
  return releases;
}

/** Each op's statements, in the order it sent them. */
export function byOp(steps: readonly StepEvent[]): Map<string, StepEvent[]> {
  const ops = new Map<string, StepEvent[]>();
  for (const e of steps) {
    const id = opId(e);
    const list = ops.get(id);
    if (list) list.push(e);
    else ops.set(id, [e]);
  }
  for (const list of ops.values()) list.sort((a, b) => a.startUs - b.startUs);
  return ops;
}
