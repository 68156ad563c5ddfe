/**
 * Statements an op's code sent that racelab could not schedule: through a driver it does not
 * intercept (postgres.js, the mariadb connector), or one it sees but cannot hold (a synchronous
 * SQLite driver). Counted and named, so that no run claims a race does not exist on statements it
 * never controlled.
 */
export interface UncontrolledStatements {
  /** How many were sent. */
  count: number;
  /** The first few texts, as the wire or the driver showed them. */
  examples: string[];
  /** Why racelab could not control them, one line per cause: `sent through a driver racelab does not intercept`. */
  causes: string[];
}

/** How many texts a worker keeps as examples. */
const EXAMPLES = 5;
const EXAMPLE_CHARS = 200;

export class UncontrolledTally {
  private readonly tally: UncontrolledStatements = { count: 0, examples: [], causes: [] };

  note(text: string, cause: string): void {
    this.tally.count++;
    const example = text.length > EXAMPLE_CHARS ? `${text.slice(0, EXAMPLE_CHARS)}…` : text;
    if (this.tally.examples.length < EXAMPLES && !this.tally.examples.includes(example)) this.tally.examples.push(example);
    if (!this.tally.causes.includes(cause)) this.tally.causes.push(cause);
  }

  /** What was counted so far, or undefined when nothing was. */
  get counted(): UncontrolledStatements | undefined {
    return this.tally.count === 0 ? undefined : { count: this.tally.count, examples: [...this.tally.examples], causes: [...this.tally.causes] };
  }

  /** What was counted since the last call, and starts afresh: explore reports each run's own. */
  take(): UncontrolledStatements | undefined {
    const counted = this.counted;
    this.tally.count = 0;
    this.tally.examples = [];
    this.tally.causes = [];
    return counted;
  }
}

/** Folds several workers' counts into one. */
export function mergeUncontrolled(parts: readonly (UncontrolledStatements | undefined)[]): UncontrolledStatements | undefined {
  const present = parts.filter((part): part is UncontrolledStatements => part !== undefined);
  if (present.length === 0) return undefined;
  const merged: UncontrolledStatements = { count: 0, examples: [], causes: [] };
  for (const part of present) {
    merged.count += part.count;
    for (const example of part.examples) if (merged.examples.length < EXAMPLES && !merged.examples.includes(example)) merged.examples.push(example);
    for (const cause of part.causes) if (!merged.causes.includes(cause)) merged.causes.push(cause);
  }
  return merged;
}
