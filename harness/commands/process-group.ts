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
    const abort = () => stopGroup(child);
    signal?.addEventListener('abort', abort, { once: true });
    child.on('error', (error) => resolvePromise({ code: null, signal: null, stderr: `could not start: ${error.message}` }));
    child.on('close', (code, exitSignal) => {
      signal?.removeEventListener('abort', abort);
      resolvePromise({ code, signal: exitSignal, stderr });
    });
  });
}

/** TERM to the process's group, then KILL if it is still there after the grace. */
export function stopGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  killGroup(child.pid, 'SIGTERM');
  setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) killGroup(child.pid!, 'SIGKILL');
  }, TERM_GRACE_MS).unref();
}

export function killGroup(pid: number, signal: NodeJS.Signals): void {
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
