/**
 * Which steps write, by name: the session primitives that do, and a scenario's own statements,
 * named by their SQL verb. One list for the recorder (what a named step sent) and the timeline's
 * marks (what a statement did to its key's locks).
 */

/** The session primitives that write, and statements named by a writing verb. */
const WRITE_STEPS = /^(insertIfAbsent|upsert|merge|replace|deleteOwned)$|^(insert|update|delete)\b/i;
/** Writes that make a row: what an INSERT of the same key runs into. */
const ROW_MAKING_STEPS = /^(insertIfAbsent|upsert|merge|replace)$|^insert\b/i;

export function isWriteStep(name: string): boolean {
  return WRITE_STEPS.test(name);
}

export function makesRowStep(name: string): boolean {
  return ROW_MAKING_STEPS.test(name);
}
