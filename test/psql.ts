/**
 * libpq's own client, psql, for the tests that run a real non-Node client through the proxy.
 * Without it those tests are skipped, and each file says why.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

export const PSQL = '/usr/bin/psql';
export const hasPsql = spawnSync(PSQL, ['--version']).status === 0;

export interface PsqlRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * psql run asynchronously: the proxy it talks to runs in this process, so a synchronous spawn would
 * block it. `stdin`, when given, is its script (read with `-f -`); it is killed after 20 s.
 */
export function runPsql(args: string[], options: { stdin?: string; env?: NodeJS.ProcessEnv; started?: ((child: ChildProcess) => void) | undefined } = {}): Promise<PsqlRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(PSQL, args, { stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], timeout: 20_000, env: { ...process.env, ...options.env } });
    options.started?.(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    if (options.stdin !== undefined) {
      // A psql killed before it read its script closes the pipe under the write.
      child.stdin!.on('error', () => undefined);
      child.stdin!.end(options.stdin);
    }
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}
