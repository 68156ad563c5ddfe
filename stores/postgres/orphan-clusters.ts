/**
 * Embedded clusters whose racelab process is gone: what an uncatchable kill left when the
 * cluster's guardian could not clean up either (killed with it, say). A cluster is racelab's when
 * its directory is named so and holds the owner file; it is an orphan when the process that file
 * names no longer runs. Anything else, including a live run's cluster, is left alone.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLUSTER_DIR_PREFIX, OWNER_FILE, processStartTime, stopServerNow } from './embedded.ts';

export interface OrphanCluster {
  directory: string;
  /** The racelab process that started it, now gone. */
  ownerPid: number;
  /** The cluster's postmaster, when it still runs. */
  serverPid?: number;
}

/** The orphaned clusters in `parent` (the temp directory by default). */
export function findOrphanClusters(parent = tmpdir()): OrphanCluster[] {
  const orphans: OrphanCluster[] = [];
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(CLUSTER_DIR_PREFIX)) continue;
    const directory = join(parent, name);
    const owner = readOwner(directory);
    if (owner === undefined || ownerRuns(owner)) continue;
    const serverPid = runningPostmaster(directory);
    orphans.push({ directory, ownerPid: owner.pid, ...(serverPid !== undefined && { serverPid }) });
  }
  return orphans;
}

/** Stops an orphan's server, then removes its directory. */
export function removeOrphanCluster(orphan: OrphanCluster): void {
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

/** The postmaster of a cluster, from its pid file, if that process still runs this cluster. */
function runningPostmaster(directory: string): number | undefined {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(join(directory, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]!, 10);
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
