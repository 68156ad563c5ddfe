/**
 * MySQL and MariaDB as `--db` names them: a server by URL (`mysql://`, `mariadb://`), a throwaway
 * server from the machine's binaries (`mariadb`), or a container (`docker:mariadb`, `docker:mysql`).
 */
import { ISOLATIONS } from '../../harness/contract/store.ts';
import type { DatabaseDescriptor, DatabasePlan } from '../descriptor.ts';
import { connectError } from '../shared/connect-error.ts';
import { containerReason, startedContainer } from '../shared/container-plan.ts';
import { redactUrl } from '../shared/redact-url.ts';
import { CONTAINER_IMAGES, CONTAINER_PACKAGES } from './container.ts';
import { findServerBinaries, NO_BINARIES, type ServerBinaries } from './throwaway.ts';

type Product = keyof typeof CONTAINER_PACKAGES;

type MysqlPlan = DatabasePlan &
  ({ kind: 'server'; url: string } | { kind: 'local'; binaries: ServerBinaries } | { kind: 'container'; product: Product });

const CONNECT_HINTS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'is a MariaDB or MySQL server listening there? Start one, or use --db mariadb for a throwaway one',
  ER_ACCESS_DENIED_ERROR: 'check the user name and password in the URL',
  ER_BAD_DB_ERROR: 'create that database first, or name one that exists',
  ER_CON_COUNT_ERROR: 'the server has no free connection slots; lower --clients or raise max_connections',
};

const base = { database: 'mysql', family: 'mysql' } as const;

export const mysqlDescriptor: DatabaseDescriptor<MysqlPlan> = {
  id: 'mysql',
  title: 'MySQL and MariaDB',
  family: 'mysql',
  words: ['mariadb', 'docker:mariadb', 'docker:mysql'],
  schemes: ['mysql:', 'mariadb:'],
  exampleUrl: 'mysql://user@127.0.0.1:3306/db',
  isolations: ISOLATIONS,
  lacks: {},
  leftovers: 'the racelab_<runid> databases no live run holds (their named run lock is free)',

  parseWord(raw) {
    return raw === 'mariadb' || raw === 'docker:mariadb' || raw === 'docker:mysql' ? raw : undefined;
  },

  async plan(choice, context) {
    if (typeof choice === 'object') return { ...base, kind: 'server', url: choice.url, reason: `--db ${redactUrl(choice.url)}` };
    if (choice === 'mariadb') {
      const lookup = context.lookups?.['mysql'] ?? findServerBinaries;
      const found = lookup() as ServerBinaries | undefined;
      if (found === undefined) throw new Error(NO_BINARIES);
      return { ...base, kind: 'local', binaries: found, reason: `--db mariadb: a throwaway server from ${found.server}` };
    }
    const product = choice.slice('docker:'.length) as Product;
    return { ...base, kind: 'container', product, reason: await containerReason(choice, CONTAINER_PACKAGES[product], '--db mariadb', context) };
  },

  async open(plan, signal, progress = () => undefined) {
    const { connectMysqlDatabase } = await import('./database.ts');
    switch (plan.kind) {
      case 'server':
        try {
          return await connectMysqlDatabase('server', plan.url);
        } catch (error) {
          throw connectError(plan.url, error, CONNECT_HINTS);
        }
      case 'local': {
        const { startThrowawayServer } = await import('./throwaway.ts');
        const instance = await startThrowawayServer(plan.binaries, signal, { progress });
        return connectMysqlDatabase('local', instance.url, instance);
      }
      case 'container': {
        const { startMysqlContainer } = await import('./container.ts');
        const instance = await startedContainer(CONTAINER_IMAGES[plan.product], '--db mariadb or --db mysql://…', () => startMysqlContainer(plan.product));
        return connectMysqlDatabase('container', instance.url, instance);
      }
    }
  },

  async cleanOrphans(url, dryRun) {
    const { cleanOrphanDatabases } = await import('./orphan-databases.ts');
    return (await cleanOrphanDatabases(url, dryRun)).map((name) => `database ${name}`);
  },
};
