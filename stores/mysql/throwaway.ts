/**
 * A throwaway MariaDB (or MySQL) server from the binaries installed on this machine, in a
 * temporary directory of its own, on its own loopback port, removed on stop. Nothing of the
 * machine's own server is used: not its data, not its configuration files (`--no-defaults`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir, userInfo } from 'node:os';
import { basename, join } from 'node:path';
import { cacheDirectory } from '../shared/cache-directory.ts';
import { dataFromTemplate, dropTemplate, type TemplatePlace } from '../shared/data-template.ts';
import { freePort } from '../shared/free-port.ts';
import { lastLines, openServerDirectory, stopServerProcess, whenReady } from '../shared/server-process.ts';
import { THROWAWAY_MARIADB_PREFIX } from '../shared/server-directories.ts';
import type { StartedInstance } from './database.ts';

const READY = 'ready for connections';
const PORT_ATTEMPTS = 3;
const SEARCH_PATH = ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin', '/usr/libexec', '/usr/local/mysql/bin', '/opt/homebrew/bin'];

/** The binaries of one server: MariaDB's initialise with an install script, MySQL's server initialises itself. */
export type ServerBinaries =
  | { product: 'MariaDB'; installDb: string; server: string }
  | { product: 'MySQL'; server: string };

/** The message when no binaries are found: which package to install. */
export const NO_BINARIES =
  '--db mariadb: no MariaDB or MySQL server binaries found (mariadbd and mariadb-install-db, or mysqld); install them (Debian/Ubuntu: apt-get install mariadb-server; macOS: brew install mariadb), or name a server with --db mysql://…';

/** Finds the server binaries on the PATH or in the usual places; undefined when there are none. */
export function findServerBinaries(env: NodeJS.ProcessEnv = process.env): ServerBinaries | undefined {
  const dirs = [...(env['PATH'] ?? '').split(':').filter(Boolean), ...SEARCH_PATH];
  const find = (name: string) => dirs.map((dir) => join(dir, name)).find(isExecutable);
  const mariadbd = find('mariadbd');
  const installDb = find('mariadb-install-db') ?? find('mysql_install_db');
  if (mariadbd && installDb) return { product: 'MariaDB', installDb, server: mariadbd };
  const mysqld = find('mysqld');
  if (mysqld === undefined) return undefined;
  // Before 10.4 MariaDB's server was mysqld too, with mysql_install_db beside it.
  return installDb ? { product: 'MariaDB', installDb, server: mysqld } : { product: 'MySQL', server: mysqld };
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts a fresh server on a free loopback port, with a random root password. Its data directory
 * is a copy of the template racelab keeps for these binaries (data-template.ts), or, the first
 * time, initialised and then kept as that template. Everything it made in the temp directory is
 * removed by `stop()`; if this process ends without calling it, however it ends, the directory's
 * guardian removes it.
 */
export async function startThrowawayServer(
  binaries: ServerBinaries,
  signal?: AbortSignal,
  options: { progress?: (line: string) => void; env?: NodeJS.ProcessEnv } = {},
): Promise<StartedInstance> {
  const directory = await openServerDirectory(await mkdtemp(join(tmpdir(), `${THROWAWAY_MARIADB_PREFIX}p${process.pid.toString(36)}-`)), stopServer);
  const base = directory.path;
  const stop = () => directory.stop();
  try {
    const dataDir = join(base, 'data');
    const password = randomBytes(18).toString('base64url');
    // Root gets a password before the server takes its first connection; the other root accounts
    // an install makes (127.0.0.1, ::1, this host's name) are dropped.
    const initFile = join(base, 'init.sql');
    await writeFile(
      initFile,
      `ALTER USER 'root'@'localhost' IDENTIFIED BY '${password}';\nDROP USER IF EXISTS 'root'@'127.0.0.1', 'root'@'::1', 'root'@'${hostname().replace(/'/g, '')}';\n`,
      { mode: 0o600 },
    );
    const template = await serverTemplate(binaries, options.env);
    const fresh = {
      label: binaries.product,
      initialiser: binaries.product === 'MariaDB' ? basename(binaries.installDb) : `${basename(binaries.server)} --initialize-insecure`,
      initialise: async () => {
        await initialise(binaries, base, dataDir, directory.watch, signal);
        return {};
      },
      complete: () => true,
      progress: options.progress ?? (() => undefined),
      onSpawn: directory.watch,
      ...(signal && { signal }),
    };
    let data = await dataFromTemplate(template, dataDir, fresh);
    let suspect: string | undefined;
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw new Error(`${binaries.product}: interrupted while it was starting`);
      const port = await freePort();
      try {
        directory.serve(await startServer(binaries, base, dataDir, port, initFile, directory.watch));
        if (suspect !== undefined) {
          // A fresh server started where the template's copy did not: the template was at fault.
          await dropTemplate(template).catch(() => undefined);
          fresh.progress(`${binaries.product}: a server copied from the template did not start (${suspect}), a fresh one did: dropped the template; the next start keeps a new one`);
        }
        return { url: `mysql://root:${password}@127.0.0.1:${port}/mysql`, dataFrom: data.from, stop };
      } catch (error) {
        if (signal?.aborted) throw error;
        // Another process may take the port between our probe and the server's bind.
        if (/address already in use|Can't start server: Bind/i.test(String(error))) {
          if (attempt >= PORT_ATTEMPTS) throw error;
          continue;
        }
        // A copy of the template that does not start: initialised afresh, once; should that one
        // start, the template goes.
        if (data.from !== 'template') throw error;
        suspect = (error as Error).message.split('\n')[0];
        await rm(dataDir, { recursive: true, force: true });
        await initialise(binaries, base, dataDir, directory.watch, signal);
        data = { meta: {}, from: 'initialised' };
      }
    }
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

/** `--user` for a server run as root, which MariaDB and MySQL refuse without it. */
function userArgs(): string[] {
  return userInfo().uid === 0 ? ['--user=root'] : [];
}

async function initialise(binaries: ServerBinaries, base: string, dataDir: string, onSpawn: (pid: number) => void, signal?: AbortSignal): Promise<void> {
  const [command, args] =
    binaries.product === 'MariaDB'
      ? [binaries.installDb, ['--no-defaults', `--datadir=${dataDir}`, ...userArgs(), '--auth-root-authentication-method=normal', '--skip-test-db']]
      : [binaries.server, ['--no-defaults', '--initialize-insecure', `--datadir=${dataDir}`, ...userArgs()]];
  const child = spawn(command, args, { cwd: base, detached: true, stdio: ['ignore', 'pipe', 'pipe'], ...(signal && { signal }) });
  if (child.pid !== undefined) onSpawn(child.pid);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('exit', resolve);
    child.once('error', reject);
  });
  if (code !== 0) throw new Error(`${binaries.product}: ${command} failed (code ${code}): ${lastLines(output)}`);
}

/** The template of these binaries: another install or an upgrade is another template. */
async function serverTemplate(binaries: ServerBinaries, env: NodeJS.ProcessEnv = process.env): Promise<TemplatePlace> {
  const describe = async (path: string) => {
    const real = await realpath(path);
    const { size, mtimeMs } = await stat(real);
    return { path: real, size, mtimeMs };
  };
  return {
    cache: cacheDirectory(env),
    name: binaries.product.toLowerCase(),
    identity: {
      server: await describe(binaries.server),
      ...(binaries.product === 'MariaDB' && { installDb: await describe(binaries.installDb) }),
      runAs: process.getuid?.() ?? null,
      // Raised whenever initialise()'s arguments change.
      initialise_form: 1,
    },
  };
}

function startServer(binaries: ServerBinaries, base: string, dataDir: string, port: number, initFile: string, onSpawn: (pid: number) => void): Promise<ChildProcess> {
  const args = [
    '--no-defaults',
    `--datadir=${dataDir}`,
    ...userArgs(),
    `--port=${port}`,
    '--bind-address=127.0.0.1',
    // Its socket in its own directory: nothing is left in a shared one.
    `--socket=${join(base, 'mysqld.sock')}`,
    `--pid-file=${join(dataDir, 'server.pid')}`,
    `--init-file=${initFile}`,
    // A throwaway server: durability buys nothing and costs the race its speed.
    '--skip-log-bin',
    '--innodb-flush-log-at-trx-commit=0',
    '--innodb-doublewrite=0',
    '--innodb-buffer-pool-size=64M',
    '--max-connections=300',
  ];
  // Its own process group: a Ctrl-C in the terminal reaches racelab, which then stops the server in order.
  const child = spawn(binaries.server, args, { cwd: base, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  if (child.pid !== undefined) onSpawn(child.pid);
  return whenReady(child, binaries.product, READY, stopServer);
}

/** SIGTERM is the server's normal shutdown; SIGKILL if it does not exit within the budget. */
function stopServer(server: ChildProcess): Promise<void> {
  return stopServerProcess(server, 'SIGTERM');
}
