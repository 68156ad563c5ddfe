import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reproduce } from '../harness/reproduce.ts';
import { startEmbedded } from '../stores/postgres/embedded.ts';
import { SESSION_STORE } from '../stores/postgres/index.ts';
import { processesMentioning, startCli } from './cli-process.ts';
import { connectedDatabase, describeEachServer } from './databases.ts';
import { readReport } from './report-file.ts';
import { builtIn, fixture, runScenarios } from './run.ts';

describeEachServer('faults inside a run', (server) => {
  const database = connectedDatabase(server);

  it('an op that hangs ends indeterminate at --op-timeout, the run stops and says why', async () => {
    const result = await reproduce({
      database: database(),
      scenarioModules: [fixture('hangs'), builtIn('naive-save')],
      storeModule: SESSION_STORE,
      config: { workers: 2, opsPerWorker: 5, keys: 'shrunk', keySpace: 16, occupancy: 0.25, maxDraws: 100, seed: 1, isolation: 'read-committed', opTimeoutMs: 300 },
    });
    expect(result.findings).toHaveLength(1); // naive-save never started
    expect(result.findings[0]!.outcomes.indeterminate).toBe(2);
    expect(result.failure).toMatch(/^hangs: w\d op1 may or may not have committed: hangs: op did not finish within 300 ms \(--op-timeout\)$/);
  });

  it('a worker thread that dies is a harness failure with its stack, not a race', async () => {
    const findings = await runScenarios(database(), [fixture('crashes-worker')], { workers: 2, opsPerWorker: 3 });
    const finding = findings['crashes-worker']!;
    expect(finding.violations).toBe(0);
    expect(finding.workerFailures.length).toBeGreaterThan(0);
    expect(finding.workerFailures[0]).toMatchObject({ phase: 'crash', error: { message: 'thrown outside the op' } });
    expect(finding.workerFailures[0]!.error.stack).toContain('crashes-worker.ts');
  });
});

describe('the database dies mid-run', () => {
  it('ops in flight end indeterminate, the run stops within 5 s with a one-line cause, writes its partial report, exits 3', async () => {
    const instance = await startEmbedded();
    const out = join(tmpdir(), `racelab-dies-${process.pid}`);
    try {
      const { child, done } = startCli(['reproduce', '--db', instance.url, '--ops', '1000000', '--out', out]);
      await new Promise<void>((resolve) => child.stderr!.on('data', (chunk: Buffer) => chunk.toString().includes('running naive-save') && resolve()));
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const port = new URL(instance.url).port;
      const [postmaster] = processesMentioning(`-p ${port}`).map((line) => Number(line.split(' ')[0]));
      process.kill(postmaster!, 'SIGKILL');
      const killedAt = Date.now();
      const result = await done;
      expect(Date.now() - killedAt).toBeLessThan(5_000);
      expect(result.code).toBe(3);
      const errors = result.stderr.trim().split('\n').filter((line) => line.startsWith('racelab'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^racelab: naive-save: w\d op\d+ may or may not have committed: /);
      expect(result.stderr).not.toMatch(/^\s+at /m); // no stack trace as the message
      const report = readReport(out);
      expect(report.failure).toMatch(/may or may not have committed/);
      expect(report.scenarios[0].outcomes.indeterminate).toBeGreaterThan(0);
      expect(report.scenarios[0].ops).toBeGreaterThan(0);
    } finally {
      await instance.stop();
      rmSync(out, { recursive: true, force: true });
    }
  });
});
