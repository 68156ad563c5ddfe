/**
 * Which driver a `--db` word of SQLite's runs on. `sqlite` takes node:sqlite where this Node has
 * it (nothing to install), else better-sqlite3; `sqlite@node` and `sqlite@better-sqlite3` insist
 * on one, so that a run can be pinned to a driver, or `--db sqlite@node,sqlite@better-sqlite3`
 * can set them side by side. Each may name a file: `sqlite@node:PATH`. Decided once, in the plan.
 */
import { ChoiceError } from '../descriptor.ts';
import type { DriverProbe } from './drivers.ts';
import type { SqliteDriverName } from './drivers/driver.ts';

/** What `@…` names in a word, for each driver. */
const WORD_OF: Readonly<Record<SqliteDriverName, string>> = { 'node:sqlite': 'node', 'better-sqlite3': 'better-sqlite3' };
const DRIVER_OF: Readonly<Record<string, SqliteDriverName>> = { node: 'node:sqlite', 'better-sqlite3': 'better-sqlite3' };

/** The `--db` word that insists on `driver`: `sqlite@node`, `sqlite@better-sqlite3`. */
export function pinnedWord(driver: SqliteDriverName): string {
  return `sqlite@${WORD_OF[driver]}`;
}

/** The words `--db` takes for SQLite, as help and errors spell them. */
export const SQLITE_WORDS = ['sqlite', 'sqlite:PATH', ...Object.keys(DRIVER_OF).map((word) => `sqlite@${word}`)];

/** A SQLite word taken apart: the driver it insists on, if any, and the file it names, if any. */
export interface SqliteWord {
  readonly driver?: SqliteDriverName;
  readonly file?: string;
}

/**
 * `sqlite`, `sqlite@node` or `sqlite@better-sqlite3`, each with an optional `:PATH`; undefined for
 * a word that is not SQLite's. Throws ChoiceError for one that is, but malformed.
 */
export function parseSqliteWord(raw: string): SqliteWord | undefined {
  const match = /^sqlite(?:@([^:]*))?(?::(.*))?$/s.exec(raw);
  if (match === null) return undefined;
  const [, named, file] = match;
  let driver: SqliteDriverName | undefined;
  if (named !== undefined) {
    driver = DRIVER_OF[named];
    if (driver === undefined) throw new ChoiceError(`--db sqlite@DRIVER takes ${Object.keys(DRIVER_OF).join(' or ')}, got ${JSON.stringify(raw)}`);
  }
  if (file === '') throw new ChoiceError(`--db ${raw}PATH must name a file, e.g. ${raw}/tmp/race.sqlite3`);
  return { ...(driver !== undefined && { driver }), ...(file !== undefined && { file }) };
}

/** Whether each driver can run here; asked only of the drivers the choice needs. */
export type DriverLookup = (driver: SqliteDriverName) => DriverProbe;

/**
 * The driver a word runs on, and, when `sqlite` could not have its first choice, why. Throws
 * ChoiceError, one line naming what to install or run instead, when the driver asked for (or, for
 * `sqlite`, either) cannot run here.
 */
export function chooseDriver(word: string, asked: SqliteDriverName | undefined, probe: DriverLookup): { driver: SqliteDriverName; note?: string } {
  if (asked !== undefined) {
    const found = probe(asked);
    if (found.usable) return { driver: asked };
    const other: SqliteDriverName = asked === 'node:sqlite' ? 'better-sqlite3' : 'node:sqlite';
    const instead = probe(other).usable ? `, or use --db ${word.replace(/^sqlite@[^:]*/, `sqlite@${WORD_OF[other]}`)}` : '';
    throw new ChoiceError(`--db ${word}: ${found.why}; ${found.fix}${instead}`);
  }
  const node = probe('node:sqlite');
  if (node.usable) return { driver: 'node:sqlite' };
  const better = probe('better-sqlite3');
  if (better.usable) return { driver: 'better-sqlite3', note: node.why };
  throw new ChoiceError(`--db ${word}: ${node.why}, and ${better.why}; ${node.fix}, or ${better.fix}`);
}
