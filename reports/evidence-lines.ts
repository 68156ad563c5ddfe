/**
 * The evidence lines that every human-readable report shares: the database's error in its own
 * client's layout, the timeline of a collision, what chance predicts.
 */
import type { AnalyticExpectation } from '../harness/analytic.ts';
import type { TimelineEntry } from '../harness/contract/results.ts';
import type { OpSample } from '../harness/contract/results.ts';
import { count, magnitude, plural } from './format.ts';
import { keyLabel } from './interleaving.ts';
import { timelineLines } from './timeline-lines.ts';

export function analyticLines(expectation: AnalyticExpectation): string[] {
  const lines = [`chance alone (key space ${magnitude(expectation.keySpace)}, ≈${magnitude(expectation.liveSessions)} live sessions, ${plural(expectation.ops, 'op')} per scenario):`];
  if (expectation.identicalStreams) {
    lines.push('  every worker draws the identical key stream: same-key draws are certain, not chance;');
    lines.push(`  of every set of ops drawing the same key at once, all but one can lose: at most ${magnitude(expectation.racingDrawsBound)}`);
  } else {
    lines.push(`  keys redrawn because the draw was live (the check catches these): ≈${magnitude(expectation.expectedRedraws)} expected`);
    lines.push(`  same-key draws by concurrent ops: at most ${magnitude(expectation.racingDrawsBound)} (if every op overlapped every other worker's)`);
  }
  const p = expectation.production;
  if (expectation.identicalStreams) {
    // The real key space is no protection when the generators agree: say what happened instead.
    lines.push(
      `production: Django's 36^32 ≈ ${magnitude(p.keySpace)} keys do not help here: processes whose generators were seeded alike`,
      '  draw the same keys in the same order, so their first sessions collide at once, as this run shows',
    );
    return lines;
  }
  lines.push(
    `production: with Django's 36^32 ≈ ${magnitude(p.keySpace)} keys at ${count(p.sessionsPerSecond)} new sessions/s, the first repeated key`,
    `  of all time is expected after ≈${magnitude(p.sessionsToFirstRepeat)} sessions, ≈${magnitude(p.yearsToFirstRepeat)} years, if every process draws its own keys`,
  );
  return lines;
}

export function timelineSection(sample: { timeline?: readonly TimelineEntry[] }): string[] {
  if (!sample.timeline) return [];
  return ['  timeline of the ops on that key:', ...timelineLines(sample.timeline).map((line) => `  ${line}`)];
}

/** `naive-save, worker 2, op 4, 22 ms into the run`; `at` names a sweep's value after the scenario (` at key-space=64`). */
export function describeSample(sample: OpSample, at = ''): string {
  const when = sample.audit ? 'found by the audit' : 'into the run';
  return `${sample.scenario}${at}, worker ${sample.worker}, op ${sample.op}, ${Math.round(sample.atMs)} ms ${when}`;
}

/** The error in psql's own layout, so it reads as the server's words. */
export function errorLines(sample: OpSample): string[] {
  const { error } = sample;
  // An error number with its SQLSTATE is laid out as the mysql client prints it, a SQLite result
  // code before SQLite's words; else as psql does.
  const lines =
    error.sqlState !== undefined
      ? [`  ERROR ${error.code ?? '?'} (${error.sqlState}): ${error.message}`]
      : error.code?.startsWith('SQLITE_')
        ? [`  ${error.code}: ${error.message}`]
        : [`  ${error.severity ?? 'ERROR'}:  ${error.message}`, ...(error.code ? [`  SQLSTATE: ${error.code}`] : [])];
  if (error.detail) lines.push(`  DETAIL:  ${error.detail}`);
  if (error.hint) lines.push(`  HINT:  ${error.hint}`);
  const where = [error.constraint && `constraint ${error.constraint}`, error.table && `table ${[error.schema, error.table].filter(Boolean).join('.')}`];
  if (where.some(Boolean)) lines.push(`  ${where.filter(Boolean).join(' · ')}`);
  // What the op's code was handed: the ORM's error around the database's.
  if (error.raisedAs) lines.push(`  raised to the op as: ${error.raisedAs}`);
  // A scenario's own value for the key is what its rows and its audit name; racelab's beside it.
  // A command scenario's key is its program's own value: named once.
  if (sample.key) lines.push(sample.keyValue === undefined ? `  session key: ${sample.key}` : sample.keyValue === sample.key ? `  key: ${sample.key}` : `  key: ${sample.keyValue} (racelab's ${keyLabel(sample.key)}: ${sample.key})`);
  if (error.stack) lines.push(...error.stack.split('\n').slice(1, 6).map((l) => `  ${l.trim()}`));
  return lines;
}

/** Lines of a command scenario program's traceback the terminal shows: its end, where it says what was raised. */
const TRACEBACK_TAIL = 8;

/**
 * A command scenario's op: its program's own account of the failure (a Python traceback), whole,
 * or its last `tail` lines with a word on where the rest is.
 */
export function tracebackLines(sample: OpSample, tail?: number): string[] {
  const text = sample.error.traceback?.trimEnd();
  if (text === undefined || text === '') return [];
  const all = text.split('\n');
  if (tail === undefined || all.length <= tail) return ["  the program's own account:", ...all.map((line) => `    ${line}`)];
  return [`  the program's own account, its last ${tail} of ${all.length} lines (report.md has it whole):`, ...all.slice(-tail).map((line) => `    ${line}`)];
}

/** The terminal's share of a traceback. */
export function tracebackTail(sample: OpSample): string[] {
  return tracebackLines(sample, TRACEBACK_TAIL);
}
