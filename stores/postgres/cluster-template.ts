/**
 * Where the embedded PostgreSQL's cluster template for a set of binaries lives, and what it
 * depends on: the binaries themselves (a path, size and mtime: another install or an upgrade is
 * another template), the user the server runs as (its files belong to that user), and how racelab
 * runs initdb (INITDB_FORM, raised whenever initCluster's arguments change).
 */
import { realpath, stat } from 'node:fs/promises';
import type { ServiceUser } from './service-user.ts';
import { cacheDirectory } from '../shared/cache-directory.ts';
import type { TemplatePlace } from '../shared/data-template.ts';

const INITDB_FORM = 1;

export async function clusterTemplate(binaries: { postgres: string; initdb: string; major?: number }, user: ServiceUser | undefined, env: NodeJS.ProcessEnv = process.env): Promise<TemplatePlace> {
  const describe = async (path: string) => {
    const real = await realpath(path);
    const { size, mtimeMs } = await stat(real);
    return { path: real, size, mtimeMs };
  };
  const [postgres, initdb] = await Promise.all([describe(binaries.postgres), describe(binaries.initdb)]);
  return {
    cache: cacheDirectory(env),
    name: `postgres${binaries.major === undefined ? '' : `-${binaries.major}`}`,
    identity: { postgres, initdb, runAs: user?.uid ?? process.getuid?.() ?? null, initdb_form: INITDB_FORM },
  };
}
