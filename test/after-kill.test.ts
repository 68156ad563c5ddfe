/**
 * What is left when racelab cannot clean up itself: SIGKILL, a test runner that ends the process
 * racelab runs in. Each test checks only what its own racelab process made, found by its pid.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import pg from 'pg';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { clustersOf, leftoversOf, processesMentioning, runCli, runningReproduce, schemasOf, within } from './cli-process.ts';

// The killed runs' reports go here, and the directory goes at the end.
const work = mkdtempSync(join(tmpdir(), 'racelab-kill-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const out = join(work, 'out');

describe('after SIGKILL', () => {
  it("the embedded cluster's guardian stops its postgres and removes its directory within seconds", async () => {
    const { child, done } = await runningReproduce('embedded', out);
    const [dir] = clustersOf(child.pid!);
    expect(dir).toBeDefined();
    expect(processesMentioning(dir!).length).toBeGreaterThan(0);
    child.kill('SIGKILL');
    await done;
    // Measured 0.1-0.3 s: the guardian hears its pipe close, SIGQUITs postgres, removes the directory.
    expect(await within(10_000, () => leftoversOf(child.pid!).length === 0)).toBeLessThan(10_000);
  });

  it('racelab clean removes a cluster whose guardian was killed too: postgres first, then the directory', async () => {
    // In a temp directory of its own: every racelab run sweeps orphans from its temp directory when
    // it starts, and another test's run would otherwise remove this one's before clean could.
    const own = mkdtempSync(join(tmpdir(), 'racelab-orphans-'));
    // The postgres user must traverse it (racelab runs the cluster as that user under root).
    chmodSync(own, 0o711);
    const env = { TMPDIR: own };
    try {
      const { child, done } = await runningReproduce('embedded', out, env);
      const [dir] = clustersOf(child.pid!, own);
      const guardian = processesMentioning(dir!).find((line) => line.includes('cluster-guardian'));
      expect(guardian).toBeDefined();
      process.kill(Number(guardian!.split(' ')[0]), 'SIGKILL');
      child.kill('SIGKILL');
      await done;
      await delay(500);
      // Still there: this is what an uncatchable kill of both leaves.
      expect(existsSync(join(own, dir!))).toBe(true);
      expect(processesMentioning(dir!).length).toBeGreaterThan(0);

      const dry = await runCli(['clean', '--dry-run'], { env });
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain(`would remove embedded PostgreSQL cluster ${join(own, dir!)}: racelab process ${child.pid} is gone`);
      expect(existsSync(join(own, dir!))).toBe(true);

      const clean = await runCli(['clean'], { env });
      expect(clean.code, clean.stderr).toBe(0);
      expect(clean.stdout).toContain(`removed embedded PostgreSQL cluster ${join(own, dir!)}`);
      expect(existsSync(join(own, dir!))).toBe(false);
      expect(processesMentioning(dir!)).toEqual([]);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });

  it("racelab clean --db drops the killed run's schema on a server, and no live run's", async () => {
    // A database of its own: another test's `racelab clean --db` on the shared one would take this
    // test's orphan first.
    const name = `racelab_after_kill_${process.pid}`;
    const admin = new pg.Client({ connectionString: inject('embeddedUrl') });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(inject('embeddedUrl'));
    url.pathname = `/${name}`;
    const server = url.toString();
    try {
      await killedAndLiveRun(server);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});

/** A run killed and a run alive on the same server: clean takes the first's schema, not the second's. */
async function killedAndLiveRun(server: string): Promise<void> {
  const live = await runningReproduce(server, out);
  expect(await within(10_000, async () => (await schemasOf(server, live.child.pid!)).length === 1)).toBeLessThan(10_000);
  const { child, done } = await runningReproduce(server, out);
  // Its schema is made just after it says it runs the scenario.
  expect(await within(10_000, async () => (await schemasOf(server, child.pid!)).length === 1)).toBeLessThan(10_000);
  child.kill('SIGKILL');
  await done;
  const [left] = await schemasOf(server, child.pid!);
  expect(left).toBeDefined();
  // The server ends the killed run's connections, and so its lock on the schema, as their sockets close.
  const result = await runCli(['clean', '--db', server]);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout).toContain(`dropped schema ${left} on `);
  expect(await schemasOf(server, child.pid!)).toEqual([]);
  // The live run kept its schema and finishes normally after Ctrl-C.
  expect(await schemasOf(server, live.child.pid!)).toHaveLength(1);
  live.child.kill('SIGINT');
  expect((await live.done).code).toBe(130);
  expect(await schemasOf(server, live.child.pid!)).toEqual([]);
}

describe('race() in a test that times out', () => {
  it('leaves no postgres and no directory once vitest has exited', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'racelab-vitest-'));
    try {
      const pidFile = join(dir, 'pid');
      const vitest = spawn(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/fixtures/race-timeout/vitest.config.ts'], {
        env: { ...process.env, RACELAB_PID_FILE: pidFile, DATABASE_URL: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      vitest.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      vitest.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => vitest.on('close', resolve));
      expect(code, output).toBe(1);
      expect(output).toContain('Test timed out in 1500ms');
      const pid = Number(readFileSync(pidFile, 'utf8'));
      // Measured: nothing left at the moment vitest exits, or 0.1-0.3 s after (the guardian).
      expect(await within(5_000, () => leftoversOf(pid).length === 0), `left: ${leftoversOf(pid).join(', ')}`).toBeLessThan(5_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
