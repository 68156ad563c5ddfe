/**
 * Local servers (embedded PostgreSQL clusters, throwaway MariaDB servers) whose racelab process is
 * gone: what an uncatchable kill left when the directory's guardian could not clean up either
 * (killed with it, say). A directory is racelab's when it is named so and holds the owner file; it
 * is an orphan when the process that file names no longer runs. Anything else, including a live
 * run's server, is left alone.
 */
import { readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OWNER_FILE, processStartTime, stopServerNow } from './guardian.ts';
import { SERVER_DIRECTORY_KINDS, SYSTEM_TEMP_DIRECTORY, type ServerDirectoryKind } from './server-directories.ts';

export interface OrphanServer {
  directory: string;
  kind: ServerDirectoryKind;
  /** The racelab process that started it, now gone. */
  ownerPid: number;
  /** The server, when it still runs. */
  serverPid?: number;
}

/**
 * Where racelab makes its servers' directories: the temp directory, and as root the system's /tmp
 * too, where an embedded cluster goes when its service user cannot reach the temp directory
 * (stores/postgres/cluster-parent.ts). `realPath` tells a temp directory that is /tmp by a link.
 */
export function serverDirectoryParents(temp: string, asRoot: boolean, realPath: (path: string) => string): string[] {
  return asRoot && realPath(temp) !== realPath(SYSTEM_TEMP_DIRECTORY) ? [temp, SYSTEM_TEMP_DIRECTORY] : [temp];
}

function realPathOrItself(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** The orphaned clusters in `parent`. */
function findOrphanServers(parent: string): OrphanServer[] {
  const orphans: OrphanServer[] = [];
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch (error) {
    // The system's /tmp may be missing; the temp directory racelab was given must be there.
    if (parent !== tmpdir() && (error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  for (const name of names) {
    const kind = SERVER_DIRECTORY_KINDS.find((candidate) => name.startsWith(candidate.prefix));
    if (kind === undefined) continue;
    const directory = join(parent, name);
    const owner = readOwner(directory);
    if (owner === undefined || ownerRuns(owner)) continue;
    const serverPid = runningServer(directory, kind);
    orphans.push({ directory, kind, ownerPid: owner.pid, ...(serverPid !== undefined && { serverPid }) });
  }
  return orphans;
}

/** Stops an orphan's server, then removes its directory. */
function removeOrphanServer(orphan: OrphanServer): void {
  if (orphan.serverPid !== undefined) stopServerNow(orphan.serverPid);
  rmSync(orphan.directory, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 });
}

function readOwner(directory: string): { pid: number; startedAt?: number } | undefined {
  try {
    const owner = JSON.parse(readFileSync(join(directory, OWNER_FILE), 'utf8')) as { pid: unknown; startedAt?: unknown };
    if (typeof owner.pid !== 'number') return undefined;
    return { pid: owner.pid, ...(typeof owner.startedAt === 'number' && { startedAt: owner.startedAt }) };
  } catch {
    // No owner file: not racelab's, or a cluster being created this very moment.
    return undefined;
  }
}

function ownerRuns(owner: { pid: number; startedAt?: number }): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // The pid runs; it is the owner unless the system has since given the pid to another process.
  return owner.startedAt === undefined || processStartTime(owner.pid) === owner.startedAt;
}

/** The server of a directory, from its pid file, if that process still runs this directory's server. */
function runningServer(directory: string, kind: ServerDirectoryKind): number | undefined {
  if (kind.pidFile === undefined) return undefined;
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(join(directory, kind.pidFile), 'utf8').split('\n')[0]!, 10);
  } catch {
    return undefined;
  }
  try {
    // A pid reused by another process does not name this cluster's data directory.
    if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(directory)) return undefined;
  } catch {
    return undefined;
  }
  return pid;
}

/**
 * Removes (or with `dryRun` only lists) the orphaned local servers (embedded clusters, throwaway
 * servers, SQLite run directories) in the temp directory (and, as root, /tmp), one line each.
 */
export function cleanLocalServers(dryRun: boolean): string[] {
  return serverDirectoryParents(tmpdir(), process.getuid?.() === 0, realPathOrItself).flatMap((parent) => findOrphanServers(parent)).map((orphan) => {
    if (!dryRun) removeOrphanServer(orphan);
    const server = orphan.serverPid === undefined ? 'no server ran' : `its server (pid ${orphan.serverPid}) ${dryRun ? 'runs' : 'was stopped'}`;
    return `${dryRun ? 'would remove' : 'removed'} ${orphan.kind.label} ${orphan.directory}: racelab process ${orphan.ownerPid} is gone; ${server}`;
  });
}

/** What `racelab clean` looks for in the temp directory, as its help names them. */
export function localServerKinds(): string[] {
  return SERVER_DIRECTORY_KINDS.map((kind) => `${kind.label.replace(/y$/, 'ie')}s`);
}
