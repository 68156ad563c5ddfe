import { ISOLATIONS, type Isolation } from '../../harness/contract/store.ts';

export type SqlIsolation = (typeof ISOLATIONS)[number];

/**
 * The level as one of the SQL standard's, which PostgreSQL, MariaDB and MySQL offer; SQLite's
 * transaction modes are refused, not mapped: the CLI checks `--isolation` against the database's
 * levels first, so this is for a scenario that names a mode in its code.
 */
export function sqlIsolation(isolation: Isolation, product: string): SqlIsolation {
  if ((ISOLATIONS as readonly string[]).includes(isolation)) return isolation as SqlIsolation;
  throw new RangeError(`${product} has no transaction mode ${JSON.stringify(isolation)} (a SQLite mode); its levels are ${ISOLATIONS.join(', ')}`);
}
