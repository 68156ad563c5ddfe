/**
 * What `--db` can name, and which store each choice means: known from the words alone, so that
 * parsing options and listing the catalogue load no driver.
 */
import type { DatabaseFamily } from '../harness/types.ts';

/** Containers by product; `docker` alone is PostgreSQL's, as before there were others. */
export type ContainerProduct = 'postgres' | 'mariadb' | 'mysql';

export type DatabaseChoice = 'auto' | 'embedded' | 'docker' | `docker:${ContainerProduct}` | 'mariadb' | { url: string };

/** The URL schemes racelab takes, and the store each one means. */
const FAMILY_BY_SCHEME: Readonly<Record<string, DatabaseFamily>> = {
  'postgres:': 'postgresql',
  'postgresql:': 'postgresql',
  'mysql:': 'mysql',
  'mariadb:': 'mysql',
};

export const URL_SCHEMES = Object.keys(FAMILY_BY_SCHEME).map((scheme) => `${scheme}//`);

/** The store a URL names, by its scheme; undefined for a scheme racelab does not take. */
export function familyOfUrl(url: string): DatabaseFamily | undefined {
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
  const fromEnv = env['DATABASE_URL'];
  return choice === 'auto' && fromEnv ? (familyOfUrl(fromEnv) ?? 'postgresql') : 'postgresql';
}

