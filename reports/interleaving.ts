import { KEY_LENGTH } from '../harness/session-keys.ts';
import type { ExploreRun } from '../harness/explore/explore-run.ts';
import type { StepRecord } from '../harness/explore/step-log.ts';

/**
 * How a step names its key: `k16` for the key at index 16 of the shrunk key space (its tail spells
 * the index in base 36), after the scenario's own value for it when it declares one
 * (`SPRING-000g (k16)`), so the reader can match a step to what the audit names; a key that is
 * its own value (a command scenario's) whole.
 */
export function keyLabel(key: string, keyValue?: string): string {
  // A key that is its own value (a command scenario's program names its keys) has no short name to add.
  if (keyValue === key) return key;
  const short = key.length === KEY_LENGTH ? `k${Number.parseInt(key.slice(-8), 36)}` : key;
  return keyValue === undefined ? short : `${keyValue} (${short})`;
}

/** `insert(k16)`: a step with the key it was about, or its name alone. */
export function stepCall(step: string, key: string | undefined, keyValue?: string): string {
  return `${step}${key === undefined ? '' : `(${keyLabel(key, keyValue)})`}`;
}

function call(step: StepRecord): string {
  return `w${step.worker + 1} ${stepCall(step.step, step.key, step.keyValue)}`;
}

/** The longest SQL text a step line shows whole. */
const SQL_CHARS = 160;

/** A scenario's own statement's SQL, on one line, after the step: what the application's ORM sent. */
function sqlOf(step: StepRecord): string {
  if (step.sql === undefined) return '';
  const text = step.sql.replace(/\s+/g, ' ').trim();
  return `  ${text.length > SQL_CHARS ? `${text.slice(0, SQL_CHARS)}…` : text}`;
}

/**
 * Whether a step waited inside the server: another step was released while it was under way, which
 * the coordinator does only once the database says a released step is blocked on a lock the run's
 * own connections hold (`Database.blockedBackends`).
 */
export function waitedInServer(run: ExploreRun, step: StepRecord): boolean {
  return run.steps.some((other) => other.releasedAt > step.releasedAt && other.releasedAt < step.completedAt);
}

/**
 * The run's steps in the order they happened, one per line, in the manner of PostgreSQL's
 * isolation tester: a step that another release overtook was waiting inside the server, and is
 * shown where it was released (`<waiting ...>`) and again where it completed. A scenario's own
 * statement shows its SQL where it was released, unless `sql` is false.
 */
export function interleavingLines(run: ExploreRun, { sql = true }: { sql?: boolean } = {}): string[] {
  const events: { at: number; line: string }[] = [];
  for (const step of run.steps) {
    const text = sql ? sqlOf(step) : '';
    if (waitedInServer(run, step)) {
      events.push({ at: step.releasedAt, line: `${call(step)} <waiting ...>${text}` });
      events.push({ at: step.completedAt, line: `${call(step)} <... completed> → ${step.result}` });
    } else {
      events.push({ at: step.releasedAt, line: `${call(step)} → ${step.result}${text}` });
    }
  }
  return events.sort((a, b) => a.at - b.at).map((event) => event.line);
}

/** The same steps on one line, joined by ` · `, without their SQL. */
export function interleavingLine(run: ExploreRun): string {
  return interleavingLines(run, { sql: false }).join(' · ');
}

/** `w1 op1 ok · w2 op1 integrity_error`. */
export function outcomesLine(run: ExploreRun): string {
  const ops = run.outcomes.flatMap((outcomes, worker) => outcomes.map((outcome, op) => `w${worker + 1} op${op + 1} ${outcome}`));
  const audit = run.invariantProblems.map((problem) => `audit: ${problem.message}`);
  return [...ops, ...audit].join(' · ');
}
