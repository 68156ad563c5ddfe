/**
 * A command scenario's processes as process groups: each runs detached, leading a group of its
 * own with whatever it starts, so that racelab can end the whole group (TERM, then KILL).
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** How long a process has to leave after TERM before it is killed. */
const TERM_GRACE_MS = 2_000;

/** Runs a program to its end (the setup), keeping its stderr; an abort ends it. */
export function runToEnd(argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv, signal: AbortSignal | undefined): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolvePromise) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd, env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-8_192)));
    const group = new ProcessGroup(child);
    const abort = () => group.stop();
    signal?.addEventListener('abort', abort, { once: true });
    if (signal?.aborted) abort();
    // What it left running (a background job holding its stderr) ends with it.
    child.on('exit', () => group.stop());
    child.on('error', (error) => resolvePromise({ code: null, signal: null, stderr: `could not start: ${error.message}` }));
    child.on('close', (code, exitSignal) => {
      signal?.removeEventListener('abort', abort);
      resolvePromise({ code, signal: exitSignal, stderr });
    });
  });
}

/**
 * A process started detached, leading a group of its own with whatever it starts (a shell's
 * background job, a worker it forked), and signalled as a group: what it left running when it
 * exited is ended with it, holding its pipes or not. The group's id is signalled only while the
 * group has a member, which is also what keeps the id from being reused.
 */
export class ProcessGroup {
  constructor(readonly child: ChildProcess) {}

  /** TERM to the group, then KILL to whatever of it is still there after the grace. */
  stop(): void {
    if (!this.signal('SIGTERM')) return;
    setTimeout(() => this.kill(), TERM_GRACE_MS).unref();
  }

  /** KILL to the group at once. */
  kill(): void {
    this.signal('SIGKILL');
  }

  /** Signals the group if it has a member left; false when it has none. */
  private signal(signal: NodeJS.Signals): boolean {
    const pid = this.child.pid;
    if (pid === undefined) return false;
    try {
      process.kill(-pid, 0);
    } catch {
      return false;
    }
    killGroup(pid, signal);
    return true;
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

export function exitWords({ code, signal }: { code: number | null; signal: NodeJS.Signals | null }): string {
  return signal !== null ? `was ended by ${signal}` : code === null ? 'could not run' : `exited with code ${code}`;
}

/** `: <the last line>` of a program's stderr, or nothing. */
export function lastLine(text: string): string {
  const line = text.trim().split('\n').at(-1)?.trim();
  return line ? `: ${line}` : '';
}
