import { familyOfUrl } from './choice.ts';

/**
 * Removes (or with `dryRun` only lists) the run namespaces on the server at `url` that no live run
 * holds: schemas on PostgreSQL, databases on MySQL/MariaDB. Each is named with what it is.
 */
export async function cleanOrphanNamespaces(url: string, dryRun: boolean): Promise<string[]> {
  if (familyOfUrl(url) === 'mysql') {
    const { cleanOrphanDatabases } = await import('./mysql/orphan-databases.ts');
    return (await cleanOrphanDatabases(url, dryRun)).map((name) => `database ${name}`);
  }
  const { cleanOrphanSchemas } = await import('./postgres/orphan-schemas.ts');
  return (await cleanOrphanSchemas(url, dryRun)).map((name) => `schema ${name}`);
}
