import type { UncontrolledStatements } from '../harness/intercept/uncontrolled.ts';
import { plural } from './format.ts';

/** The longest statement text quoted. */
const QUOTED_CHARS = 120;

/**
 * Statements racelab could not schedule, in one line: how many, the first of them, and why, with
 * what racelab does see. Every report says it where it would otherwise say the race held.
 */
export function uncontrolledWords(uncontrolled: UncontrolledStatements): string {
  // A driver's own catalogue lookups (its type cache) say less about the op than the op's statements.
  const telling = uncontrolled.examples.find((text) => !/\b(pg_catalog|information_schema)\./i.test(text)) ?? uncontrolled.examples[0] ?? '';
  const first = telling.replace(/\s+/g, ' ').trim();
  const quoted = first.length > QUOTED_CHARS ? `${first.slice(0, QUOTED_CHARS)}…` : first;
  const sent = `${plural(uncontrolled.count, 'statement')} the ops sent went around racelab, which can neither time nor schedule them`;
  return `${sent}${quoted === '' ? '' : ` (among them: \`${quoted}\`)`}: ${uncontrolled.causes.join('; ')}`;
}
