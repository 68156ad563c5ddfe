/**
 * SQLite as `--db` names it: a file per run in a temporary directory (`sqlite`), or the file the
 * user names (`sqlite:PATH`). No server. better-sqlite3 is the user's to install: a native module.
 */
import { ChoiceError, type DatabaseDescriptor, type DatabasePlan } from '../descriptor.ts';
import { namedFileProblem } from './named-file.ts';
import { SQLITE_ISOLATIONS, SQLITE_LACKS } from './traits.ts';

type SqlitePlan = DatabasePlan & { kind: 'sqlite'; file?: string };

const DRIVER = 'better-sqlite3';

export const sqliteDescriptor: DatabaseDescriptor<SqlitePlan> = {
  id: 'sqlite',
  title: 'SQLite',
  family: 'sqlite',
  words: ['sqlite', 'sqlite:PATH'],
  schemes: [],
  isolations: SQLITE_ISOLATIONS,
  lacks: SQLITE_LACKS,

  parseWord(raw) {
    if (raw === 'sqlite') return raw;
    if (!raw.startsWith('sqlite:')) return undefined;
    if (raw.length === 'sqlite:'.length) throw new ChoiceError('--db sqlite:PATH must name a file, e.g. sqlite:/tmp/race.sqlite3');
    return raw;
  },

  async plan(choice, context) {
    const word = typeof choice === 'object' ? choice.url : choice;
    if (!context.installed(DRIVER)) throw new Error(`--db ${word} needs ${DRIVER}, a native module racelab leaves to you: npm install --save-dev ${DRIVER}@12`);
    const file = word === 'sqlite' ? undefined : word.slice('sqlite:'.length);
    if (file !== undefined) {
      const problem = namedFileProblem(file);
      if (problem !== undefined) throw new ChoiceError(`--db sqlite:PATH: ${problem}`);
    }
    return {
      database: 'sqlite',
      family: 'sqlite',
      kind: 'sqlite',
      ...(file !== undefined && { file }),
      reason: file === undefined ? '--db sqlite: a file in a temporary directory' : `--db ${word}`,
    };
  },

  async open(plan) {
    const { openSqliteDatabase } = await import('./database.ts');
    return openSqliteDatabase(plan.file === undefined ? { directory: true } : { file: plan.file });
  },
};
