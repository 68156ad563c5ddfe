/**
 * Two psql processes through the proxy under a lane schedule give the outcomes of PostgreSQL's own
 * isolation test read-write-unique-4 (src/test/isolation/specs/read-write-unique-4.spec and
 * expected/read-write-unique-4.out): a gapless invoice number per year, read as MAX + 1 and then
 * inserted. Run against the embedded cluster and, with DATABASE_URL, the machine's server; each
 * test makes its own schema, proxy, schedule and psql processes, and removes them.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { LaneSchedule, type LaneScheduleResult } from '../harness/explore/lane-schedule.ts';
import { orderPolicy, ScheduleError } from '../harness/explore/schedule.ts';
import { startPostgresProxy, type PostgresProxy } from '../stores/postgres/proxy/proxy.ts';
import { scheduledHooks } from '../stores/postgres/proxy/scheduled-hooks.ts';
import type { ProxyHooks } from '../stores/postgres/proxy/types.ts';
import { until } from './cli-process.ts';
import { connectedDatabase, describeEachServer } from './databases.ts';
import { hasPsql, PSQL, runPsql, type PsqlRun } from './psql.ts';

if (!hasPsql) console.log(`postgres-proxy-schedule: skipped: ${PSQL} does not run on this machine, and these tests race two psql sessions`);

const SESSIONS = ['s1', 's2'];

/** The spec's steps, by name; the digit names the session. */
const SERIALIZABLE_STEPS: Record<string, string> = {
  r1: 'SELECT COALESCE(MAX(invoice_number) + 1, 1) FROM invoice WHERE year = 2016;',
  w1: 'INSERT INTO invoice VALUES (2016, 3);',
  c1: 'COMMIT;',
  r2: 'SELECT COALESCE(MAX(invoice_number) + 1, 1) FROM invoice WHERE year = 2016;',
  w2: 'INSERT INTO invoice VALUES (2016, 3);',
  c2: 'COMMIT;',
};

/**
 * Not in the spec: the same job under READ COMMITTED, the read locking the year's rows. An aggregate
 * takes no FOR UPDATE, so the rows are locked in a subquery; the read returns the same column.
 */
const FOR_UPDATE_READ = 'SELECT COALESCE(MAX(invoice_number) + 1, 1) FROM (SELECT invoice_number FROM invoice WHERE year = 2016 FOR UPDATE) AS locked;';
const FOR_UPDATE_STEPS: Record<string, string> = { ...SERIALIZABLE_STEPS, r1: FOR_UPDATE_READ, r2: FOR_UPDATE_READ };

interface Permutation {
  isolation: 'SERIALIZABLE' | 'READ COMMITTED';
  steps: Record<string, string>;
  permutation: string[];
  /**
   * What the schedule saw, as the isolation tester prints it: each step at its release with its
   * tag or SQLSTATE, or `<waiting ...>` and later `<... completed>` where the server said it waited.
   */
  expected: string[];
}

const PERMUTATIONS: Permutation[] = [
  // "if they both read first then there should be an SSI conflict"
  {
    isolation: 'SERIALIZABLE',
    steps: SERIALIZABLE_STEPS,
    permutation: ['r1', 'r2', 'w1', 'w2', 'c1', 'c2'],
    expected: ['s1 setup: BEGIN', 's2 setup: BEGIN', 'r1: SELECT 1', 'r2: SELECT 1', 'w1: INSERT 0 1', 'w2: <waiting ...>', 'c1: COMMIT', 'w2: <... completed> 40001', 'c2: ROLLBACK'],
  },
  // "if s2 doesn't explicitly read, then trying to insert the value generates a unique constraint violation after s1 commits"
  {
    isolation: 'SERIALIZABLE',
    steps: SERIALIZABLE_STEPS,
    permutation: ['r1', 'w1', 'w2', 'c1', 'c2'],
    expected: ['s1 setup: BEGIN', 's2 setup: BEGIN', 'r1: SELECT 1', 'w1: INSERT 0 1', 'w2: <waiting ...>', 'c1: COMMIT', 'w2: <... completed> 23505', 'c2: ROLLBACK'],
  },
  // "if s1 doesn't explicitly read, but s2 does": the expected output has 23505, not 40001.
  {
    isolation: 'SERIALIZABLE',
    steps: SERIALIZABLE_STEPS,
    permutation: ['r2', 'w1', 'w2', 'c1', 'c2'],
    expected: ['s1 setup: BEGIN', 's2 setup: BEGIN', 'r2: SELECT 1', 'w1: INSERT 0 1', 'w2: <waiting ...>', 'c1: COMMIT', 'w2: <... completed> 23505', 'c2: ROLLBACK'],
  },
  // Both read with FOR UPDATE: s2's read waits for s1's whole transaction, so w2 can only come
  // after c1 (the spec's order cannot be released: see the last test). The read then still returns
  // 3: its snapshot predates s1's row, and locking the rows it saw does not lock the gap.
  {
    isolation: 'READ COMMITTED',
    steps: FOR_UPDATE_STEPS,
    permutation: ['r1', 'r2', 'w1', 'c1', 'w2', 'c2'],
    expected: ['s1 setup: BEGIN', 's2 setup: BEGIN', 'r1: SELECT 1', 'r2: <waiting ...>', 'w1: INSERT 0 1', 'c1: COMMIT', 'r2: <... completed> SELECT 1', 'w2: 23505', 'c2: ROLLBACK'],
  },
  {
    isolation: 'READ COMMITTED',
    steps: FOR_UPDATE_STEPS,
    permutation: ['r1', 'w1', 'w2', 'c1', 'c2'],
    expected: ['s1 setup: BEGIN', 's2 setup: BEGIN', 'r1: SELECT 1', 'w1: INSERT 0 1', 'w2: <waiting ...>', 'c1: COMMIT', 'w2: <... completed> 23505', 'c2: ROLLBACK'],
  },
  {
    isolation: 'READ COMMITTED',
    steps: FOR_UPDATE_STEPS,
    permutation: ['r2', 'w1', 'w2', 'c1', 'c2'],
    expected: ['s1 setup: BEGIN', 's2 setup: BEGIN', 'r2: SELECT 1', 'w1: INSERT 0 1', 'w2: <waiting ...>', 'c1: COMMIT', 'w2: <... completed> 23505', 'c2: ROLLBACK'],
  },
];

const sessionOf = (step: string) => Number(step.slice(1)) - 1;

/** Each session's step names in order: its setup (the spec's `BEGIN ISOLATION LEVEL …`), then its steps of the permutation. */
const stepNames = (permutation: string[]) => SESSIONS.map((session, index) => [`${session} setup`, ...permutation.filter((step) => sessionOf(step) === index)]);

/** The result as the isolation tester prints a permutation, each step named by the spec. */
function asIsolationTester(result: LaneScheduleResult, names: string[][]): string[] {
  const lines: [number, string][] = [];
  for (const step of result.steps) {
    const name = names[step.lane]![step.seq - 1] ?? `${SESSIONS[step.lane]} statement ${step.seq}`;
    const outcome = step.error?.code ?? step.result;
    if (step.waited) lines.push([step.releasedAt!, `${name}: <waiting ...>`], [step.completedAt!, `${name}: <... completed> ${outcome}`]);
    else lines.push([step.releasedAt ?? step.completedAt!, `${name}: ${outcome}`]);
  }
  return lines.sort(([a], [b]) => a - b).map(([, line]) => line);
}

describeEachServer('read-write-unique-4 through the proxy under a lane schedule', (server) => {
  const database = connectedDatabase(server);
  let admin: pg.Client;
  let schema: string;
  let proxy: PostgresProxy | undefined;
  let schedule: LaneSchedule | undefined;
  let proxyErrors: string[];

  beforeEach(async () => {
    proxyErrors = [];
    admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    // Not racelab_…: a `racelab clean` in another test file would take it for a killed run's.
    schema = `proxy_schedule_${randomBytes(4).toString('hex')}`;
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.query(`SET search_path TO ${schema}`);
    // The spec's setup.
    await admin.query('CREATE TABLE invoice (year int, invoice_number int, PRIMARY KEY (year, invoice_number))');
    await admin.query('INSERT INTO invoice VALUES (2016, 1), (2016, 2)');
  });

  afterEach(async () => {
    schedule?.stop('the test is over');
    await proxy?.close();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  /** A proxy whose lanes s1 and s2 (by application_name) run under `order`; `extra` hooks run first. */
  const scheduledProxy = async (order: number[], extra: Pick<ProxyHooks, 'beforeStatement'> = {}) => {
    const db = database();
    schedule = new LaneSchedule({ lanes: SESSIONS, policy: orderPolicy(order), blocked: (ids, holders) => db.blockedBackends(ids, holders) });
    const hooks = scheduledHooks(schedule, { lanes: SESSIONS });
    const url = new URL(server.url);
    proxy = await startPostgresProxy({
      server: { host: url.hostname, port: Number(url.port || 5432) },
      hooks: {
        ...hooks,
        beforeStatement: async (lane, statement) => {
          await extra.beforeStatement?.(lane, statement);
          await hooks.beforeStatement(lane, statement);
        },
        onError: (error) => void proxyErrors.push(error.message),
      },
    });
    url.hostname = proxy.host;
    url.port = String(proxy.port);
    return { schedule, url: url.toString() };
  };

  /** psql as session `name`, on the test's schema, running `script`; quiet, unaligned, rows only. */
  const psql = (url: string, name: string, script: string, started?: (child: ChildProcess) => void): Promise<PsqlRun> =>
    runPsql([url, '-X', '-q', '-A', '-t', '-f', '-'], { stdin: script, env: { PGAPPNAME: name, PGOPTIONS: `-c search_path=${schema}` }, started });

  it.skipIf(!hasPsql).each(PERMUTATIONS.map((p) => [p.isolation, p.permutation.join(' '), p] as const))('%s: permutation %s', async (_isolation, _name, p) => {
    const names = stepNames(p.permutation);
    // The isolation tester runs each session's setup, in session order, before the permutation's steps.
    const { schedule, url } = await scheduledProxy([0, 1, ...p.permutation.map(sessionOf)]);
    const runs = await Promise.all(
      SESSIONS.map((session, index) => {
        const steps = names[index]!.slice(1).map((step) => p.steps[step]!);
        return psql(url, session, [`BEGIN ISOLATION LEVEL ${p.isolation};`, ...steps, ''].join('\n'));
      }),
    );
    const result = await schedule.done;
    expect(result.failure).toBeUndefined();
    expect(asIsolationTester(result, names)).toEqual(p.expected);
    // What psql itself printed: each read's row (3), and the failed insert's error, as the expected output has them.
    for (const [index, run] of runs.entries()) {
      const reads = p.permutation.filter((step) => step === `r${index + 1}`).length;
      expect(run.stdout).toBe('3\n'.repeat(reads));
    }
    const failed = result.steps.find((step) => step.error !== undefined)!;
    expect(runs[failed.lane]!.stderr).toContain(`ERROR:  ${failed.error!.message}`);
    expect(failed.error!.message).toMatch(failed.error!.code === '40001' ? /could not serialize access due to read\/write dependencies among transactions/ : /duplicate key value violates unique constraint "invoice_pkey"/);
    expect(proxyErrors).toEqual([]);
    expect((await admin.query('SELECT invoice_number FROM invoice ORDER BY 1')).rows.map((r: { invoice_number: number }) => r.invoice_number)).toEqual([1, 2, 3]);
  });

  it.skipIf(!hasPsql)("refuses the spec's own order under READ COMMITTED with FOR UPDATE, where s2 still waits in its read when w2's turn comes, and both psql end", async () => {
    const { schedule, url } = await scheduledProxy([0, 1, 0, 1, 0, 1, 0, 1]);
    const read = `${FOR_UPDATE_READ}\n`;
    const runs = await Promise.all([
      psql(url, 's1', `BEGIN ISOLATION LEVEL READ COMMITTED;\n${read}INSERT INTO invoice VALUES (2016, 3);\nCOMMIT;\n`),
      psql(url, 's2', `BEGIN ISOLATION LEVEL READ COMMITTED;\n${read}INSERT INTO invoice VALUES (2016, 3);\nCOMMIT;\n`),
    ]);
    const { failure } = await schedule.done;
    expect(failure).toBeInstanceOf(ScheduleError);
    expect(failure!.message).toMatch(/^lane schedule, release 6: --schedule step 6 releases w2, but only w1 can move then \(w1 = s1: holding "COMMIT;"; w2 = s2: running "SELECT COALESCE.*", seen waiting for a lock\)$/);
    // The held COMMIT was refused: s1's connection ended, its transaction with it, and s2 was refused next.
    for (const run of runs) expect(run.status).not.toBe(0);
    expect((await admin.query('SELECT invoice_number FROM invoice ORDER BY 1')).rows.map((r: { invoice_number: number }) => r.invoice_number)).toEqual([1, 2]);
  });

  it.skipIf(!hasPsql)('goes on without a psql killed while its statement is held: the statement is dropped, never sent', async () => {
    let killS2: (() => void) | undefined;
    const { schedule, url } = await scheduledProxy([], {
      beforeStatement: (lane) => void (lane.applicationName === 's2' && killS2?.()),
    });
    const s2 = await psql(url, 's2', `INSERT INTO invoice VALUES (2016, 3);\n`, (child) => (killS2 = () => child.kill('SIGKILL')));
    expect(s2.signal).toBe('SIGKILL');
    await until('s2 to leave the proxy', () => proxy!.lanes().length === 0, 10_000);
    // s1 connects only now: until its first statement the schedule had only s2's to hold.
    const s1 = await psql(url, 's1', 'SELECT COALESCE(MAX(invoice_number) + 1, 1) FROM invoice WHERE year = 2016;\nINSERT INTO invoice VALUES (2016, 3);\n');
    expect([s1.status, s1.stdout]).toEqual([0, '3\n']);
    const result = await schedule.done;
    expect(result.failure).toBeUndefined();
    expect(result.steps.map((step) => [SESSIONS[step.lane], step.result, step.releasedAt === undefined ? 'never released' : 'released'])).toEqual([
      ['s2', 'dropped', 'never released'],
      ['s1', 'SELECT 1', 'released'],
      ['s1', 'INSERT 0 1', 'released'],
    ]);
    expect(result.decisions.map((d) => d.worker)).toEqual([0, 0]);
  });
});
