/**
 * How fast racelab stops when something goes wrong, the figures issue 10 sets as requirements and
 * the tests bound only loosely (a 5 s margin for a loaded machine). Prints, over several runs of
 * each, the median and the worst, in milliseconds, against the requirement:
 * - a SIGTERM to a run whose worker spins in a synchronous loop (requirement: under 2 s);
 * - a SIGINT at a random moment of `racelab reproduce` (requirement: under 2 s);
 * - one worker's thread dying alone mid-run, to the process's exit (requirement: under 5 s);
 * - a SIGKILL, to the moment the guardian has removed the embedded cluster.
 * It asserts nothing. Each run's leftovers are checked by its own pid and printed if any.
 *
 *   npm run bench:stop [-- RUNS]
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { clusterDirPrefix, startEmbedded } from '../stores/postgres/embedded.ts';

const RUNS = Number(process.argv[2] ?? 5);
const BIN = new URL('../bin/racelab.js', import.meta.url).pathname;
const FIXTURE = new URL('../test/fixtures/one-worker-fails.ts', import.meta.url).pathname;

interface Started {
  pid: number;
  exited: Promise<number | null>;
  stderr: () => string;
  kill: (signal: NodeJS.Signals) => void;
}

function racelab(args: string[], env: NodeJS.ProcessEnv = {}): Started {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, DATABASE_URL: '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { pid: child.pid!, exited: new Promise((resolve) => child.on('close', resolve)), stderr: () => stderr, kill: (signal) => child.kill(signal) };
}

async function until(check: () => boolean, ms = 60_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) throw new Error('timed out waiting');
    await delay(10);
  }
}

function leftClusters(pid: number): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith(clusterDirPrefix(pid)));
}

function summary(name: string, requirementMs: number | undefined, times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const worst = sorted.at(-1)!;
  const against = requirementMs === undefined ? '' : `; requirement ${requirementMs} ms: worst/requirement ${(worst / requirementMs).toFixed(2)}`;
  return `${name}: median ${median} ms, worst ${worst} ms over ${times.length} runs${against}`;
}

const server = await startEmbedded();
const scratch = mkdtempSync(join(tmpdir(), 'racelab-bench-stop-'));
try {
  const spin: number[] = [];
  const interrupt: number[] = [];
  const death: number[] = [];
  const kill: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const dir = mkdtempSync(join(scratch, 'run-'));
    const env = { RACELAB_FAULT_DIR: dir };
    const out = ['--out', join(dir, 'out')];

    let r = racelab(['reproduce', '--db', server.url, '--scenario', FIXTURE, '--ops', '3000', ...out], { ...env, RACELAB_FAULT: 'spin@op' });
    await until(() => existsSync(join(dir, 'struck')));
    await delay(200);
    let sent = Date.now();
    r.kill('SIGTERM');
    await r.exited;
    spin.push(Date.now() - sent);

    r = racelab(['reproduce', '--db', server.url, '--ops', '1000000', ...out]);
    await until(() => r.stderr().includes('running naive-save'));
    await delay(Math.floor(Math.random() * 3_000));
    sent = Date.now();
    r.kill('SIGINT');
    await r.exited;
    interrupt.push(Date.now() - sent);

    rmSync(join(dir, 'claimed'), { recursive: true, force: true });
    r = racelab(['reproduce', '--db', server.url, '--scenario', FIXTURE, '--ops', '3000', ...out], { ...env, RACELAB_FAULT: 'throw@op' });
    await r.exited;
    death.push(Date.now() - Number(readFileSync(join(dir, 'struck'), 'utf8')));

    r = racelab(['reproduce', '--db', 'embedded', '--ops', '1000000', ...out]);
    await until(() => r.stderr().includes('running naive-save'));
    sent = Date.now();
    r.kill('SIGKILL');
    await until(() => leftClusters(r.pid).length === 0, 30_000);
    kill.push(Date.now() - sent);
  }
  console.log(summary('SIGTERM with a worker spinning, to exit', 2_000, spin));
  console.log(summary('SIGINT at a random moment of reproduce, to exit', 2_000, interrupt));
  console.log(summary('one worker dying alone, to exit', 5_000, death));
  console.log(summary('SIGKILL, to the embedded cluster removed by its guardian', undefined, kill));
} finally {
  rmSync(scratch, { recursive: true, force: true });
  await server.stop();
}
