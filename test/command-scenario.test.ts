/**
 * Command scenarios through the real engine: a program's processes, one per client, connected to
 * the run's schema through racelab's proxy (test/fixtures/commands/check-then-insert.mjs, plain
 * Node and node-postgres, so this runs wherever the suite's PostgreSQL does). The process boundary
 * and the database are what is under test: what the processes print and send becomes the findings,
 * and no process or schema outlives its run. The same for Django's own session code, where Debian's
 * python3-django is installed (test/fixtures/django/).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { expect, it } from 'vitest';
import { reproduce } from '../harness/reproduce.ts';
import { ScenarioSetupError } from '../harness/scenario-hooks.ts';
import { newRunId } from '../harness/run-id.ts';
import { connectedDatabase, describeEachServer } from './databases.ts';
import { DEFAULTS, withThreads } from './run.ts';
import { startCli, until, within } from './cli-process.ts';

const command = (mode: string) => new URL(`./fixtures/commands/${mode}.race.ts`, import.meta.url).href;
const django = (name: string) => new URL(`./fixtures/django/${name}.race.ts`, import.meta.url).href;
const hasDjango = spawnSync('/usr/bin/python3', ['-c', 'import django, psycopg2']).status === 0;
const hasPsql = spawnSync('/usr/bin/psql', ['--version']).status === 0;
// The Django processes inherit this file's environment: no __pycache__ beside the fixtures.
process.env['PYTHONDONTWRITEBYTECODE'] = '1';
if (!hasDjango) console.log('command-scenario: the Django cases are skipped: /usr/bin/python3 cannot import django and psycopg2 (apt install python3-django python3-psycopg2)');

/**
 * Two processes × 100 ops on one key, let go together by the start barrier: every op of one
 * overlaps the other's while both run, and collisions seen while writing this test were far above
 * one op in twenty. A rate of even 5% leaves 0.95^200 ≈ 4·10⁻⁵ to show none, and the fix's check
 * needs only one overlap (race window).
 */
const CONFIG = withThreads({ ...DEFAULTS, workers: 2, opsPerWorker: 100, keySpace: 1, seed: 18344 });

/**
 * A directory the silent program writes its pid and the run's schema into (RACELAB_TEST_DIR, which
 * the processes the run starts inherit): the test then checks those, and only those, are gone.
 */
function silentWitness(): { dir: string; pids(): number[]; schema(): string | undefined; alive(): number[]; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'racelab-test-command-'));
  process.env['RACELAB_TEST_DIR'] = dir;
  const pids = () => (existsSync(join(dir, 'pids')) ? readFileSync(join(dir, 'pids'), 'utf8').trim().split('\n').map(Number) : []);
  // A zombie (exited, and not reaped where PID 1 reaps nothing, as in a container) has ended too.
  const alive = () =>
    pids().filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
      } catch {
        return false;
      }
    });
  return {
    dir,
    pids,
    alive,
    schema: () => (existsSync(join(dir, 'schema')) ? readFileSync(join(dir, 'schema'), 'utf8') : undefined),
    remove: () => {
      delete process.env['RACELAB_TEST_DIR'];
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describeEachServer('command scenarios', (server) => {
  const database = connectedDatabase(server);

  it("reproduces a program's check-then-insert from what its processes print and send, and holds its fix", async () => {
    const result = await reproduce({ database: database(), scenarioModules: [command('naive'), command('retry')], config: CONFIG });
    expect(result.failure).toBeUndefined();
    const [naive, retry] = result.findings;
    expect([naive!.scenario.name, naive!.verdict, naive!.ops]).toEqual(['command-naive', 'reproduced', 200]);
    expect(naive!.scenario.command).toEqual([process.execPath, 'check-then-insert.mjs', 'naive']);
    expect(naive!.outcomes.integrity_error).toBeGreaterThan(0);
    // The database's own error, from the proxy, with the program's account of it beside it.
    const first = naive!.firstLoudViolation!;
    expect(first.error).toMatchObject({ code: '23505', constraint: 'django_session_pkey' });
    expect(first.error.raisedAs).toMatch(/^error: duplicate key value violates unique constraint "django_session_pkey"/);
    expect(first.error.traceback).toContain('check-then-insert.mjs');
    expect(first.key).toBe('key-0');
    // Its timeline: both processes' statements on that key, the failed insert among them.
    expect(first.timeline?.find((entry) => entry.role === 'failed')).toMatchObject({ step: 'insert', result: expect.stringMatching(/^23505 duplicate key/) });
    expect(first.timeline?.find((entry) => entry.role === 'won')).toMatchObject({ step: 'insert', result: 'INSERT 0 1' });
    expect(new Set(first.timeline?.map((entry) => entry.worker))).toEqual(new Set([1, 2]));
    // Every statement went through the proxy: at least a check, an insert and a delete per ok op.
    expect(naive!.statements).toBeGreaterThanOrEqual(3 * naive!.outcomes.ok);
    expect(naive!.windows).toBeGreaterThan(0);

    expect([retry!.verdict, retry!.ops, retry!.outcomes.ok]).toEqual(['holds', 200, 200]);
    expect(retry!.retries).toBeGreaterThan(0);
    expect(retry!.windows).toBeGreaterThan(0);
  });

  it('a process that exits before its ops are done breaks the run, naming its exit and its last words', async () => {
    const result = await reproduce({ database: database(), scenarioModules: [command('exit-early')], config: CONFIG });
    const [finding] = result.findings;
    expect(finding!.verdict).toBe('broken');
    expect(result.failure).toMatch(/command-exit-early: .*exited with code 3 after 1 ops: stopping after one op, as asked/);
  });

  it('a process that reports no op within --op-timeout is stopped, and none is left running', async () => {
    const witness = silentWitness();
    try {
      const started = Date.now();
      const result = await reproduce({ database: database(), scenarioModules: [command('silent')], config: { ...CONFIG, opTimeoutMs: 1_000 } });
      expect(result.failure).toMatch(/reported no op for 1000 ms \(--op-timeout\): stopped/);
      expect(Date.now() - started).toBeLessThan(8_000);
      expect(witness.pids()).toHaveLength(2);
      expect(witness.alive()).toEqual([]);
    } finally {
      witness.remove();
    }
  });

  it('an interrupted run stops its processes and drops its schema', async () => {
    const witness = silentWitness();
    try {
      const abort = new AbortController();
      const running = reproduce({ database: database(), scenarioModules: [command('silent')], config: { ...CONFIG, opTimeoutMs: 60_000 }, signal: abort.signal });
      // Once both processes have connected through the proxy (each writes its pid, then waits).
      for (let waited = 0; witness.pids().length < 2 && waited < 10_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(witness.alive()).toHaveLength(2);
      abort.abort();
      const result = await running;
      expect(result.interrupted).toBe(true);
      expect(witness.alive()).toEqual([]);
      const schema = witness.schema();
      expect(schema).toMatch(/^racelab_/);
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      try {
        expect((await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount).toBe(0);
      } finally {
        await client.end();
      }
    } finally {
      witness.remove();
    }
  });

  it("a process's proxy admits the run's database as the run's user, and nothing else on the server", async () => {
    const db = database();
    const target = await db.createRunSchema(newRunId());
    const proxy = await db.wireProxy!(target, { statement: () => undefined });
    try {
      const admitted = new pg.Client({ connectionString: proxy.url });
      await admitted.connect();
      expect((await admitted.query('SELECT current_schema() AS schema')).rows[0].schema).toBe(target.schema);
      await admitted.end();
      // libpq reads the same URL as node-postgres does (a `+` for a space in options once broke it).
      if (hasPsql) {
        const psql = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
          const child = spawn('/usr/bin/psql', [proxy.url, '-XAtc', 'SHOW search_path'], { stdio: ['ignore', 'pipe', 'pipe'] });
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
          child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
          child.on('close', (status) => resolve({ status, stdout, stderr }));
        });
        expect([psql.status, psql.stdout.trim(), psql.stderr]).toEqual([0, target.schema, '']);
      }
      const elsewhere = new URL(proxy.url);
      elsewhere.pathname = '/template1';
      const refused = new pg.Client({ connectionString: elsewhere.toString() });
      refused.on('error', () => undefined);
      await expect(refused.connect()).rejects.toMatchObject({ code: '28000', message: expect.stringContaining(`racelab's proxy for ${target.schema} admits only database`) });
      await refused.end().catch(() => undefined);
    } finally {
      await proxy.close();
      await db.dropRunSchema(target);
    }
  });

  it('a program that exits leaving a background job has the job ended with it, and the run says it reported no op', async () => {
    const witness = silentWitness();
    try {
      const started = Date.now();
      const result = await reproduce({ database: database(), scenarioModules: [command('background')], config: CONFIG });
      expect(result.failure).toMatch(/command-background: .*sh \(client \d\) exited after 0 of its 100 ops/);
      // The job would have held the run's pipes for 30 s.
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(witness.pids()).toHaveLength(2);
      expect(witness.alive()).toEqual([]);
    } finally {
      witness.remove();
    }
  });

  it('a process that leaves before its first statement does not hold the others at the start', async () => {
    const result = await reproduce({ database: database(), scenarioModules: [command('first-leaves')], config: CONFIG });
    expect(result.failure).toMatch(/client 1\) exited with code 4 after 0 ops: client 1 leaves at once, as asked/);
    // Client 2 ran all its ops, alone.
    expect(result.findings[0]!.ops).toBe(100);
  });

  it('a setup command that fails stops the run before any client starts, with its exit and its last words', async () => {
    await expect(reproduce({ database: database(), scenarioModules: [command('setup-fails')], config: CONFIG })).rejects.toThrow(
      new ScenarioSetupError(`command-setup-fails: setup command ${process.execPath} -e console.error("migration 0002 failed"); process.exit(4) exited with code 4: migration 0002 failed`),
    );
  });

  it('a setup interrupted by Ctrl-C is an interruption, not a failed setup, and its process is ended', async () => {
    const abort = new AbortController();
    const running = reproduce({ database: database(), scenarioModules: [command('slow-setup')], config: CONFIG, signal: abort.signal });
    setTimeout(() => abort.abort(), 500);
    const started = Date.now();
    const result = await running;
    expect(result.interrupted).toBe(true);
    expect(result.failure).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a program that does not exist is named, with where it was looked for', async () => {
    const result = await reproduce({ database: database(), scenarioModules: [command('not-found')], config: CONFIG });
    expect(result.failure).toMatch(/racelab-no-such-program could not start: spawn racelab-no-such-program ENOENT \(no such program in .*fixtures\/commands or on PATH\)/);
  });

  it('with --duration, the processes are stopped when it is up, and that is no failure', async () => {
    const result = await reproduce({ database: database(), scenarioModules: [command('retry')], config: { ...CONFIG, opsPerWorker: 1_000_000, durationMs: 1_500 } });
    expect(result.failure).toBeUndefined();
    const [finding] = result.findings;
    expect(finding!.verdict).toBe('holds');
    expect(finding!.ops).toBeGreaterThan(0);
    expect(finding!.ops).toBeLessThan(2_000_000);
  });

  it("a racelab killed with SIGKILL leaves no process of its program behind: the guardian ends them", async () => {
    const witness = silentWitness();
    const out = mkdtempSync(join(tmpdir(), 'racelab-test-command-out-'));
    try {
      const silent = fileURLToPath(command('silent'));
      const { child, done } = startCli(['reproduce', '--db', server.url, '--scenario', silent, '--clients', '2', '--op-timeout', '60000', '--out', out]);
      await until('both processes connected', () => witness.pids().length >= 2, 30_000);
      expect(witness.alive()).toHaveLength(2);
      child.kill('SIGKILL');
      await done;
      // TERM as soon as the guardian hears its pipe close: well within the bound.
      expect(await within(10_000, () => witness.alive().length === 0)).toBeLessThan(10_000);
    } finally {
      // What a killed run leaves for `racelab clean`: this test's own schema, dropped here.
      const schema = witness.schema();
      if (schema !== undefined) {
        const client = new pg.Client({ connectionString: server.url });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => client.end());
      }
      witness.remove();
      rmSync(out, { recursive: true, force: true });
    }
  });

  it.skipIf(!hasDjango)("reproduces #18344 on Django's own save(), with Django's traceback, and holds create()", async () => {
    const result = await reproduce({ database: database(), scenarioModules: [django('django-save'), django('django-create')], config: CONFIG });
    expect(result.failure).toBeUndefined();
    const [save, create] = result.findings;
    expect([save!.verdict, save!.ops]).toEqual(['reproduced', 200]);
    const first = save!.firstLoudViolation!;
    expect(first.error).toMatchObject({ code: '23505', constraint: 'django_session_pkey', raisedAs: 'CreateError' });
    expect(first.error.traceback).toContain('django.db.utils.IntegrityError: duplicate key value violates unique constraint "django_session_pkey"');
    expect([create!.verdict, create!.outcomes.ok]).toEqual(['holds', 200]);
  });
});
