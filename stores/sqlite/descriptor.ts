/**
 * SQLite as `--db` names it: a file per run in a temporary directory (`sqlite`), or the file the
 * user names (`sqlite:PATH`). No server. The driver is node:sqlite where this Node has it, else
 * better-sqlite3, which the user installs; `sqlite@node` and `sqlite@better-sqlite3` pick one
 * (driver-choice.ts).
 */
import { ChoiceError, type DatabaseDescriptor, type DatabasePlan } from '../descriptor.ts';
import { chooseDriver, parseSqliteWord, SQLITE_WORDS, type DriverLookup } from './driver-choice.ts';
import type { SqliteDriverName } from './drivers/driver.ts';
import { namedFileProblem } from './named-file.ts';
import { SQLITE_ISOLATIONS, SQLITE_LACKS } from './traits.ts';

type SqlitePlan = DatabasePlan & { kind: 'sqlite'; driver: SqliteDriverName; file?: string };

export const sqliteDescriptor: DatabaseDescriptor<SqlitePlan> = {
  id: 'sqlite',
  title: 'SQLite',
  family: 'sqlite',
  words: SQLITE_WORDS,
  schemes: [],
  isolations: SQLITE_ISOLATIONS,
  lacks: SQLITE_LACKS,

  parseWord(raw) {
    return parseSqliteWord(raw) === undefined ? undefined : raw;
  },

  async plan(choice, context) {
    const word = typeof choice === 'object' ? choice.url : choice;
    const { driver: asked, file } = parseSqliteWord(word) ?? {};
    if (file !== undefined) {
      const problem = namedFileProblem(file);
      if (problem !== undefined) throw new ChoiceError(`--db sqlite:PATH: ${problem}`);
    }
    // Injectable, so that the choice is testable whatever this machine has: the lookup gives the probe.
    const probe = (context.lookups?.['sqlite']?.() as DriverLookup | undefined) ?? (await import('./drivers.ts')).probeSqliteDriver;
    const { driver, note } = chooseDriver(word, asked, probe);
    const where = file === undefined ? 'a file in a temporary directory' : `the file ${file}`;
    return {
      database: 'sqlite',
      family: 'sqlite',
      kind: 'sqlite',
      driver,
      ...(file !== undefined && { file }),
      reason: `--db ${word}: ${where}, through ${driver}${note === undefined ? '' : `, since ${note}`}`,
    };
  },

  async open(plan) {
    const { openSqliteDatabase } = await import('./database.ts');
    return openSqliteDatabase(plan.file === undefined ? { directory: true } : { file: plan.file }, plan.driver);
  },
};
