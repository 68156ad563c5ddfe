/**
 * What keeps a server racelab started from outliving it: the guardian process, the owner file
 * that names the racelab process a server's directory belongs to, and the last-resort stop.
 * Shared by every store that starts a local server (embedded PostgreSQL, a throwaway MariaDB).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/** The file in a server's directory that names the racelab process it belongs to. */
export const OWNER_FILE = 'owner.json';

/** Writes the owner file of a server directory: this process, and when it started. */
export async function writeOwner(directory: string): Promise<void> {
  await writeFile(join(directory, OWNER_FILE), JSON.stringify({ pid: process.pid, startedAt: processStartTime(process.pid) }));
}

export interface Guardian {
  /** Tells the guardian of a process to stop if racelab goes away. */
  watch(pid: number): void;
  /**
   * racelab removed the server's directory itself: the guardian leaves without doing anything.
   * Resolves once it has (within a second), so that nothing of the server's runs when stop() returns.
   */
  done(): Promise<void>;
}

/** Starts a server directory's guardian (cluster-guardian.mjs): it outlives racelab only to clean up after it. */
export function startGuardian(base: string): Guardian {
  const child = spawn(process.execPath, [GUARDIAN, base], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  child.on('error', () => undefined);
  child.stdin!.on('error', () => undefined);
  // Neither the guardian nor its pipe may keep racelab's event loop alive.
  child.unref();
  (child.stdin as unknown as { unref(): void }).unref();
  let ended = false;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  return {
    watch: (pid) => {
      if (!ended) child.stdin!.write(`pid ${pid}\n`);
    },
    done: async () => {
      if (!ended) {
        ended = true;
        child.stdin!.end('done\n');
      }
      await Promise.race([exited, delay(GUARDIAN_EXIT_MS)]);
    },
  };
}

const GUARDIAN = fileURLToPath(new URL('./cluster-guardian.mjs', import.meta.url));
const GUARDIAN_EXIT_MS = 1_000;

/**
 * When process `pid` started, in clock ticks since boot (Linux), so that a pid the system has since
 * given to another process is not taken for the one that started a server. Undefined where /proc
 * does not tell.
 */
export function processStartTime(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  } catch {
    return undefined;
  }
}

/**
 * Immediate shutdown (SIGQUIT: PostgreSQL ends its backends and exits; MariaDB and MySQL shut
 * down as on SIGTERM), waited for synchronously for a few seconds, then SIGKILL. For the last
 * moments of the process, when nothing async runs, and for `racelab clean`.
 */
export function stopServerNow(pid: number): void {
  const gone = () => {
    try {
      // A zombie has exited already; only its parent (us) has not reaped it yet.
      return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? false;
    } catch {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    }
  };
  try {
    process.kill(pid, 'SIGQUIT');
  } catch {
    return;
  }
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  for (let waited = 0; waited < 3_000 && !gone(); waited += 20) Atomics.wait(sleeper, 0, 0, 20);
  if (!gone()) process.kill(pid, 'SIGKILL');
}

