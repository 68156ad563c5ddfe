/**
 * Django ticket #18344 on Django's own session code, through racelab's PostgreSQL proxy: two
 * Python processes (Debian's python3-django and python3-psycopg2) save new sessions at once, each
 * connected to the proxy as any client in any language would be: freely (a stress run, whose odds
 * are stated at OPS), and under a lane schedule that alternates them statement by statement (no
 * luck involved). test/fixtures/django/ holds the
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
import { LaneSchedule, type LaneScheduleResult } from '../harness/explore/lane-schedule.ts';
import { orderPolicy } from '../harness/explore/schedule.ts';
import { startPostgresProxy, type PostgresProxy } from '../stores/postgres/proxy/proxy.ts';
import { scheduledHooks } from '../stores/postgres/proxy/scheduled-hooks.ts';
import type { StatementOutcome } from '../stores/postgres/proxy/types.ts';
import { connectedDatabase, describeEachServer } from './databases.ts';

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
 * overlaps it, and the collisions seen while writing this test were far above one in ten ops. The
 * chance that 2 × 150 ops show no collision at a rate of even 10% is 0.9^300 ≈ 2·10⁻¹⁴.
 */
const OPS = 150;
const KEY_SPACE = 1;

/** One op's line on the process's stdout (sessions_race.py). */
interface OpLine {
  op: number;
  outcome: 'ok' | 'error';
  error?: string;
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
  const database = connectedDatabase(server);
  let proxy: PostgresProxy;
  let schedule: LaneSchedule | undefined;
  let admin: pg.Client;
  let schema: string;
  /** Every statement outcome the proxy saw, with the SQL it ran. */
  let seen: { texts: string[]; outcome: StatementOutcome }[];

  const envFor = (url: string, worker: number, ops = OPS) => ({
    RACELAB_DATABASE_URL: url,
    RACELAB_SCHEMA: schema,
    RACELAB_KEY_SPACE: String(KEY_SPACE),
    RACELAB_SEED: '18344',
    RACELAB_WORKER: String(worker),
    RACELAB_OPS: String(ops),
    // The lane's name, for a schedule: libpq's own variable, which psycopg2 passes on.
    PGAPPNAME: `w${worker}`,
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
    schedule?.stop('the test is over');
    schedule = undefined;
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
      expect(op.error).toBe('CreateError');
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

  /**
   * The two processes, one op each on one key, under a schedule that alternates them statement by
   * statement from their first: both send the same statements, so their checks come before either
   * insert. No luck is involved: the proxy holds each statement until its turn.
   */
  const alternated = async (mode: string) => {
    await proxy.close();
    const db = database();
    schedule = new LaneSchedule({ lanes: ['w1', 'w2'], policy: orderPolicy([], 'round-robin'), blocked: (ids, holders) => db.blockedBackends(ids, holders) });
    const url = new URL(server.url);
    proxy = await startPostgresProxy({ server: { host: url.hostname, port: Number(url.port || 5432) }, hooks: scheduledHooks(schedule, { lanes: ['w1', 'w2'] }) });
    url.hostname = proxy.host;
    url.port = String(proxy.port);
    const results = await Promise.all([1, 2].map((worker) => runCopy(mode, envFor(url.toString(), worker, 1))));
    const result = await schedule.done;
    return { results, result };
  };
  /** The session table's statements in the order the schedule released them, `w1 exists`, `w2 insert 23505`…, with a waited step marked. */
  const sessionSteps = (result: LaneScheduleResult) =>
    result.steps
      .filter((step) => /django_session/.test(step.sql))
      .sort((a, b) => a.releasedAt! - b.releasedAt!)
      .map((step) => {
        const verb = /^SELECT \(1\) AS "a" FROM "django_session"/.test(step.sql) ? 'exists' : /^INSERT INTO "django_session"/.test(step.sql) ? 'insert' : /^DELETE FROM "django_session"/.test(step.sql) ? 'delete' : step.sql.split(' ')[0];
        return `w${step.lane + 1} ${verb}${step.waited ? ' (waited)' : ''}${step.error ? ` ${step.error.code}` : ''}`;
      });

  it('under a schedule, save() fails on exists · exists · insert · insert, the second insert waiting for the first to commit', async () => {
    const { results, result } = await alternated('save');
    expect(result.failure).toBeUndefined();
    for (const process of results) expect([process.status, process.stderr]).toEqual([0, '']);
    expect(sessionSteps(result).slice(0, 4)).toEqual(['w1 exists', 'w2 exists', 'w1 insert', 'w2 insert (waited) 23505']);
    expect(results[0]!.ops.map((op) => op.outcome)).toEqual(['ok']);
    const [lost] = results[1]!.ops;
    expect(lost!.outcome).toBe('error');
    expect(lost!.traceback).toContain('django.db.utils.IntegrityError: duplicate key value violates unique constraint "django_session_pkey"');
  });

  it('under the same schedule, create() retries the collided insert with a new key, and both sessions are saved', async () => {
    const { results, result } = await alternated('create');
    expect(result.failure).toBeUndefined();
    for (const process of results) expect([process.status, process.stderr, process.ops.map((op) => op.outcome)]).toEqual([0, '', ['ok']]);
    expect(sessionSteps(result).slice(0, 4)).toEqual(['w1 exists', 'w2 exists', 'w1 insert', 'w2 insert (waited) 23505']);
    // And w2 saved its session after all: a second insert of its own, which succeeded.
    expect(sessionSteps(result).filter((step) => step.startsWith('w2 insert'))).toEqual(['w2 insert (waited) 23505', 'w2 insert']);
  });
});
