/**
 * A local server racelab started, from its temporary directory to its last process: what the
 * embedded PostgreSQL and the throwaway MariaDB do alike. The directory gets its guardian first
 * and its owner file next, so nothing of it outlives racelab by much however racelab ends; an
 * exit at once still stops the server and removes the files; `stop()` does both in order.
 */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { registerEmergencyCleanup } from './emergency.ts';
import { startGuardian, stopServerNow, writeOwner } from './guardian.ts';

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

export interface ServerDirectory {
  readonly path: string;
  /** Tells the guardian of a process (an init step, the server) to stop it if racelab goes away. */
  watch(pid: number): void;
  /** The running server, which `stop()` and an exit at once end. */
  serve(server: ChildProcess): void;
  /** Ends the server, removes the directory, and lets the guardian go. */
  stop(): Promise<void>;
}

/**
 * Takes charge of `path`, a directory racelab just made for a server. `stopServer` ends the server
 * in order (each server has its own shutdown signal).
 */
export async function openServerDirectory(path: string, stopServer: (server: ChildProcess) => Promise<void>): Promise<ServerDirectory> {
  // The guardian first: from here on, nothing of this directory outlives racelab by much.
  const guardian = startGuardian(path);
  await writeOwner(path);
  let server: ChildProcess | undefined;
  // If racelab must exit at once, the server still goes, and its files with it.
  const unregister = registerEmergencyCleanup(() => {
    if (server?.pid !== undefined) stopServerNow(server.pid);
    rmSync(path, { recursive: true, force: true });
    void guardian.done();
  });
  return {
    path,
    watch: guardian.watch,
    serve: (started) => {
      server = started;
    },
    async stop() {
      if (server) await stopServer(server);
      server = undefined;
      // Should this fail, the guardian, never told it is done, removes the directory when racelab exits.
      await rm(path, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 });
      unregister();
      await guardian.done();
    },
  };
}

/**
 * Resolves with the server once its log (on stderr) says `readyLine`; rejects, naming it `label`,
 * if it exits first or says nothing for a minute. Its log is drained afterwards and kept nowhere,
 * so the server never blocks on a full pipe.
 */
export function whenReady(server: ChildProcess, label: string, readyLine: string, stopServer: (server: ChildProcess) => Promise<void>): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => {
      void stopServer(server);
      reject(new Error(`${label}: "${readyLine}" not logged after ${START_TIMEOUT_MS} ms: ${lastLines(log)}`));
    }, START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      log += chunk.toString('utf8');
      if (log.includes(readyLine)) {
        clearTimeout(timer);
        server.stderr!.off('data', onData).resume();
        server.off('exit', onExit);
        resolve(server);
      }
    };
    const onExit = (code: number | null, signal: string | null) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited before it was ready (${signal ?? `code ${code}`}): ${lastLines(log)}`));
    };
    server.stderr!.on('data', onData);
    server.once('exit', onExit);
    server.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** Sends the server its shutdown `signal`, then SIGKILL if it does not exit within the budget. */
export async function stopServerProcess(server: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  server.kill(signal);
  const timer = setTimeout(() => server.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** The last lines of a process's output, on one line, for an error message. */
export function lastLines(text: string, count = 3): string {
  return text.trim().split('\n').slice(-count).join(' | ') || '(no output)';
}
