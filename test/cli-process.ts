import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { runIdTag } from '../harness/run-id.ts';
import { clusterDirPrefix } from '../stores/postgres/embedded.ts';

const BIN = new URL('../bin/racelab.js', import.meta.url).pathname;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * What the suite's own environment may hold but a started CLI gets only when a test gives it: the
 * suite's DATABASE_URL, and, when the suite itself runs in a GitHub Actions job, that job's summary
 * file and annotations, which the gates the tests start must not write to.
 */
const NOT_INHERITED = ['DATABASE_URL', 'GITHUB_STEP_SUMMARY', 'GITHUB_ACTIONS'];

/** Starts the CLI as a user would, in its own process, without the suite's DATABASE_URL or GitHub job. */
export function startCli(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): {
  child: ChildProcess;
  done: Promise<CliResult>;
} {
  const env = { ...process.env, ...options.env };
  for (const name of NOT_INHERITED) if (!options.env?.[name]) delete env[name];
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

/**
 * Starts `racelab reproduce` on `db`, writing its reports under `out`, and resolves once its first
 * scenario runs: a run to interrupt or kill in the middle.
 */
export async function runningReproduce(db: string, out: string, env: NodeJS.ProcessEnv = {}): Promise<ReturnType<typeof startCli>> {
  const started = startCli(['reproduce', '--db', db, '--ops', '1000000', '--out', out], { env });
  await shown(started.child, 'running naive-save');
  return started;
}

/**
 * Resolves once the child's stderr (or `stream`) has shown `text`, however the chunks fall; rejects,
 * with what it printed, when the child exits first or `ms` pass.
 */
export function shown(child: ChildProcess, text: string, { stream = 'stderr', ms = 60_000 }: { stream?: 'stdout' | 'stderr'; ms?: number } = {}): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no ${JSON.stringify(text)} after ${ms} ms; it printed: ${seen}`)), ms);
    const done = (settle: () => void) => {
      clearTimeout(timer);
      child[stream]!.off('data', onData);
      child.off('exit', onExit);
      settle();
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(text)) done(resolve);
    };
    const onExit = (code: number | null) => done(() => reject(new Error(`racelab exited ${code} before it printed ${JSON.stringify(text)}: ${seen}`)));
    child[stream]!.on('data', onData);
    child.on('exit', onExit);
  });
}

/** Polls until `check` holds; throws, naming `what`, once `ms` pass: a poll never waits for ever. */
export async function until(what: string, check: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  if ((await within(ms, check)) === Number.POSITIVE_INFINITY) throw new Error(`${what}: not within ${ms} ms`);
}

/** Polls until `check` holds or `ms` pass; returns how long it took, or Infinity. */
export async function within(ms: number, check: () => boolean | Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    if (await check()) return Date.now() - started;
    await delay(50);
  }
  return Number.POSITIVE_INFINITY;
}

export function runCli(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return startCli(args, options).done;
}

/** The embedded clusters' directories (names in the temp directory) that process `pid` made and left. */
export function clustersOf(pid: number, parent = tmpdir()): string[] {
  return readdirSync(parent).filter((name) => name.startsWith(clusterDirPrefix(pid)));
}

/** What process `pid` left behind: its clusters' directories and any process still running in one. */
export function leftoversOf(pid: number): string[] {
  const dirs = clustersOf(pid);
  return [...dirs, ...dirs.flatMap((dir) => processesMentioning(dir))];
}

/** The run schemas that process `pid` created on the server at `url` and that still exist. */
export async function schemasOf(url: string, pid: number): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ nspname: string }>(
      `SELECT nspname FROM pg_namespace WHERE nspname LIKE 'racelab\\_%' AND strpos(nspname, $1) > 0`,
      [runIdTag(pid)],
    );
    return rows.map((row) => row.nspname);
  } finally {
    await client.end();
  }
}

/**
 * Command lines of running processes that mention `text`. A machine without pgrep cannot tell,
 * and a check that cannot look must fail rather than pass: so anything but pgrep's "no match"
 * (exit 1) throws.
 */
export function processesMentioning(text: string): string[] {
  try {
    return execFileSync('pgrep', ['-af', '--', text], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.includes('pgrep'));
  } catch (error) {
    if ((error as { status?: number }).status === 1) return [];
    throw new Error(`pgrep could not look for processes (${(error as Error).message}); install procps`);
  }
}

/**
 * runCli, at most two at a time within one test file, the rest waiting their turn: for files whose
 * tests run concurrently (the machine has two cores, and the database needs its share).
 */
export function runCliTwoAtATime(): (args: readonly string[]) => Promise<CliResult> {
  let running = 0;
  const queue: (() => void)[] = [];
  return async (args) => {
    if (running >= 2) await new Promise<void>((resolve) => queue.push(resolve));
    running++;
    try {
      return await runCli(args);
    } finally {
      running--;
      queue.shift()?.();
    }
  };
}
