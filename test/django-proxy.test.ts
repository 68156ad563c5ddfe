/**
 * Django ticket #18344 on Django's own session code, through racelab's PostgreSQL proxy: two
 * Python processes (Debian's python3-django and python3-psycopg2) save new sessions at once, each
 * connected to the proxy as any client in any language would be. test/fixtures/django/ holds the
 * processes' script and the settings shim that shrinks the key generator; Django is otherwise
 * untouched. Each test makes its own schema and proxy, and removes them.
 *
 * Without Debian's Django the file is skipped, and says so (.ci/run installs it with apt).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startPostgresProxy, type PostgresProxy } from '../stores/postgres/proxy/proxy.ts';
import type { StatementOutcome } from '../stores/postgres/proxy/types.ts';
import { describeEachServer } from './databases.ts';

/** Debian's interpreter, whose dist-packages hold python3-django: not whichever python3 is first in PATH. */
const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./fixtures/django/sessions_race.py', import.meta.url));
const probe = spawnSync(PYTHON, ['-c', 'import django, psycopg2; print(django.get_version())'], { encoding: 'utf8' });
const djangoVersion = probe.status === 0 ? probe.stdout.trim() : undefined;
if (djangoVersion === undefined) {
  console.log(`django-proxy: skipped: ${PYTHON} cannot import django and psycopg2 (apt install python3-django python3-psycopg2)`);
}

/** Two processes, as the ticket's two clients. */
const COPIES = 2;
/**
 * Ops per process, at a key space of 1: every op of one process races every op of the other that
 * overlaps it. Measured on CI's kind of machine under load: 125 to 146 of the 300 naive saves
 * failed (four runs, both servers). The chance that 2 × 150 ops show no collision at a rate of
 * even 10% is 0.9^300 ≈ 2·10⁻¹⁴.
 */
const OPS = 150;
const KEY_SPACE = 1;

/** One op's line on the process's stdout (sessions_race.py). */
interface OpLine {
  op: number;
  outcome: 'ok' | 'error';
  exception?: string;
  traceback?: string;
}

interface ProcessResult {
  status: number | null;
  ops: OpLine[];
  stderr: string;
}

/** Runs one copy of the script, asynchronously: the proxy it talks to runs in this process. */
function runCopy(mode: string, env: Record<string, string>): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    // No __pycache__ beside the fixture: the test leaves the checkout as it found it.
    const child = spawn(PYTHON, [SCRIPT, mode], { env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      const ops = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as OpLine);
      resolve({ status, ops, stderr });
    });
  });
}

describeEachServer('Django #18344 through the proxy', (server) => {
  let proxy: PostgresProxy;
  let admin: pg.Client;
  let schema: string;
  /** Every statement outcome the proxy saw, with the SQL it ran. */
  let seen: { texts: string[]; outcome: StatementOutcome }[];

  const envFor = (url: string, worker: number) => ({
    RACELAB_DATABASE_URL: url,
    RACELAB_SCHEMA: schema,
    RACELAB_KEY_SPACE: String(KEY_SPACE),
    RACELAB_SEED: '18344',
    RACELAB_WORKER: String(worker),
    RACELAB_OPS: String(OPS),
  });
  const viaProxy = () => {
    const url = new URL(server.url);
    url.hostname = proxy.host;
    url.port = String(proxy.port);
    return url.toString();
  };
  const copies = (mode: string) => Promise.all(Array.from({ length: COPIES }, (_, worker) => runCopy(mode, envFor(viaProxy(), worker + 1))));

  beforeEach(async (context) => {
    if (djangoVersion === undefined) context.skip();
    admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    // Not racelab_…: a `racelab clean` in another test file would take it for a killed run's.
    schema = `django_test_${randomBytes(4).toString('hex')}`;
    await admin.query(`CREATE SCHEMA ${schema}`);
    // Django's own migration makes django_session, straight to the server: it is setup, not the race.
    const migrated = await runCopy('migrate', envFor(server.url, 0));
    expect(migrated.stderr).toBe('');
    expect(migrated.status).toBe(0);
    seen = [];
    const url = new URL(server.url);
    proxy = await startPostgresProxy({
      server: { host: url.hostname, port: Number(url.port || 5432) },
      hooks: { afterStatement: (_lane, statement, outcome) => void seen.push({ texts: [...statement.texts], outcome }) },
    });
  });

  afterEach(async () => {
    if (djangoVersion === undefined) return;
    await proxy.close();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  const duplicateInserts = () =>
    seen.filter(({ texts, outcome }) => outcome.kind === 'ready' && outcome.error?.code === '23505' && texts.some((text) => /^INSERT INTO "django_session"/.test(text)));

  it("save() of a new session, as the ticket describes it, fails with Django's IntegrityError on django_session_pkey", async () => {
    const results = await copies('save');
    for (const result of results) {
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.ops).toHaveLength(OPS);
    }
    const failed = results.flatMap((result) => result.ops.filter((op) => op.outcome === 'error'));
    expect(failed.length).toBeGreaterThan(0);
    // Django's own traceback: its IntegrityError, raised from psycopg2's, turned into CreateError by save().
    for (const op of failed) {
      expect(op.exception).toBe('CreateError');
      expect(op.traceback).toContain('django.db.utils.IntegrityError: duplicate key value violates unique constraint "django_session_pkey"');
      expect(op.traceback).toContain('django/contrib/sessions/backends/db.py');
    }
    // The proxy saw each collision on the wire: the server's 23505, on Django's INSERT, naming the same constraint.
    const collisions = duplicateInserts();
    expect(collisions).toHaveLength(failed.length);
    for (const { outcome } of collisions) expect(outcome.kind === 'ready' && outcome.error?.constraint).toBe('django_session_pkey');
  });

  it('create() of a new session holds: every collision is retried with a new key', async () => {
    const results = await copies('create');
    for (const result of results) {
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.ops.map((op) => op.outcome)).toEqual(Array(OPS).fill('ok'));
    }
    // The statements went through the proxy: each op's INSERT at least.
    expect(seen.filter(({ texts }) => texts.some((text) => /^INSERT INTO "django_session"/.test(text))).length).toBeGreaterThanOrEqual(COPIES * OPS);
  });
});
