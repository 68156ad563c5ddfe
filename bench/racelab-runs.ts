/**
 * racelab as a user runs it, from the compiled package: one process per measurement, its figures
 * read back from the report.json it writes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const RACELAB_BIN = new URL('../bin/racelab.js', import.meta.url).pathname;

export interface ScenarioFigures {
  name: string;
  ops: number;
  statements: number;
  statementsPerSecond: number;
  elapsedMs: number;
  releasedAt: string | null;
  firstViolation: { atMs: number; outcome: string } | null;
  outcomes: Record<string, number>;
}

export interface RacelabRun {
  scenarios: ScenarioFigures[];
  config: { workers: number; threads: number };
  /** Wall-clock milliseconds from the spawn to the exit. */
  wallMs: number;
  /** The process's peak resident set, in bytes, when asked for. */
  peakRssBytes?: number;
  /** When the command was spawned, in milliseconds since the epoch. */
  spawnedAt: number;
}

/**
 * Output of a child, gathered while this process's event loop keeps running. Never spawnSync a
 * command that uses the bench's own embedded PostgreSQL: the server logs into a pipe this process
 * drains from its event loop, and a loop blocked in spawnSync leaves the server's backends stuck
 * writing their log (seen: every IntegrityError is logged).
 */
export function run(command: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(env && { env: { ...process.env, ...env } }) });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Runs `racelab reproduce` with `args` (its --out is chosen here) and returns its report's figures. */
export async function reproduce(args: readonly string[], options: { measureRss?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<RacelabRun> {
  const work = mkdtempSync(join(tmpdir(), 'racelab-bench-'));
  try {
    const rssFile = join(work, 'peak-rss');
    const preload = join(work, 'peak-rss.mjs');
    // The process's own peak RSS, written as it exits: it covers every worker thread of the process.
    writeFileSync(preload, `import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS * 1024)));\n`);
    const node = options.measureRss ? ['--import', preload] : [];
    const spawnedAt = Date.now();
    const started = performance.now();
    const result = await run(process.execPath, [...node, RACELAB_BIN, 'reproduce', ...args, '--out', join(work, 'out')], options.env);
    const wallMs = performance.now() - started;
    if (result.status !== 0 && result.status !== 1) {
      throw new Error(`racelab reproduce ${args.join(' ')} exited ${result.status}: ${result.stderr.trim().split('\n').slice(-2).join(' | ')}`);
    }
    const report = JSON.parse(readFileSync(join(work, 'out', 'latest', 'report.json'), 'utf8'));
    return {
      scenarios: report.scenarios,
      config: report.config,
      wallMs,
      spawnedAt,
      ...(options.measureRss && { peakRssBytes: Number(readFileSync(rssFile, 'utf8')) }),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Milliseconds from spawn to exit of `node <args>`, `runs` times. */
export function commandTimes(args: readonly string[], runs: number): number[] {
  return Array.from({ length: runs }, () => {
    const started = performance.now();
    const result = spawnSync(process.execPath, args, { stdio: 'ignore', env: { ...process.env, DATABASE_URL: '' } });
    if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}`);
    return performance.now() - started;
  });
}


/**
 * Milliseconds racelab/vitest's global setup takes in a fresh process, its import included: what
 * a vitest run with it waits before its first test. Starts the embedded PostgreSQL (DATABASE_URL
 * unset) with the cache `env` names, and stops it again.
 */
export async function globalSetupMs(env: NodeJS.ProcessEnv): Promise<number> {
  const entry = new URL('../dist/api/vitest.js', import.meta.url).href;
  const code = `const started = performance.now();
    const setup = await import(${JSON.stringify(entry)});
    await setup.setup();
    const ms = performance.now() - started;
    await setup.teardown();
    console.log(JSON.stringify({ ms }));`;
  const result = await run(process.execPath, ['--input-type=module', '-e', code], { ...env, DATABASE_URL: '' });
  if (result.status !== 0) throw new Error(`racelab/vitest's setup exited ${result.status}: ${result.stderr.trim().split('\n').slice(-2).join(' | ')}`);
  return (JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { ms: number }).ms;
}
