/**
 * Where the embedded PostgreSQL's cluster template for a set of binaries lives, and what it
 * depends on: the binaries (their package's version and their sizes: an upgrade is another
 * template, while every checkout of one version shares one, rather than each keeping 40 MB of its
 * own), the user the server runs as (its files belong to that user), and how racelab runs initdb
 * (INITDB_FORM, raised whenever initCluster's arguments change).
 */
import { stat } from 'node:fs/promises';
import type { ServiceUser } from './service-user.ts';
import { cacheDirectory } from '../shared/cache-directory.ts';
import type { TemplatePlace } from '../shared/data-template.ts';

const INITDB_FORM = 1;

export async function clusterTemplate(
  binaries: { postgres: string; initdb: string; major?: number },
  version: string,
  user: ServiceUser | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TemplatePlace> {
  const [postgres, initdb] = await Promise.all([stat(binaries.postgres), stat(binaries.initdb)]);
  return {
    cache: cacheDirectory(env),
    name: `postgres${binaries.major === undefined ? '' : `-${binaries.major}`}`,
    identity: { version, sizes: [postgres.size, initdb.size], platform: `${process.platform}-${process.arch}`, runAs: user?.uid ?? process.getuid?.() ?? null, initdb_form: INITDB_FORM },
  };
}
