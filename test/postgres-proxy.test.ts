/**
 * The PostgreSQL proxy between real clients (node-postgres and libpq's psql) and a real server:
 * the embedded cluster (SCRAM-SHA-256 over TCP, as initdb was told) and, with DATABASE_URL, the
 * machine's server (trust). Each test makes its own schema, proxy, clients and processes, and
 * removes them.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import pg from 'pg';
import postgres from 'postgres';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startPostgresProxy, type PostgresProxy } from '../stores/postgres/proxy/proxy.ts';
import type { Lane, LaneEnd, ProxyHooks, Statement, StatementOutcome } from '../stores/postgres/proxy/types.ts';
import { describeEachServer } from './databases.ts';
import { hasPsql, PSQL, runPsql } from './psql.ts';
import { FrameReader } from '../stores/postgres/proxy/frame-reader.ts';
import { bind, describeStatement, execute, flush, int32, parse, startupPacket, sync } from './postgres-wire-fixtures.ts';

if (!hasPsql) console.log(`postgres-proxy: psql tests skipped: ${PSQL} does not run on this machine`);

/** Every wait in this file has a bound, and says what it waited for. */
async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, budgetMs = 10_000): Promise<T> {
  const deadline = Date.now() + budgetMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not seen after ${budgetMs}ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface Seen {
  lane: Lane;
  statement: Statement;
  outcome: StatementOutcome;
}

describeEachServer('the PostgreSQL proxy', (server) => {
  // Read when a test runs: the block of a server that is absent is declared, and skipped, with an empty URL.
  const target = () => new URL(server.url);
  let proxy: PostgresProxy;
  let seen: Seen[];
  let closed: [string | undefined, LaneEnd][];
  let before: ProxyHooks['beforeStatement'];
  let admin: pg.Client;
  let schema: string;
  const clients: pg.Client[] = [];

  /** A URL to the proxy for the same user, password and database, with `query` added. */
  const viaProxy = (query: Record<string, string> = {}) => {
    const url = new URL(server.url);
    url.hostname = proxy.host;
    url.port = String(proxy.port);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    return url.toString();
  };

  const client = async (applicationName: string) => {
    const c = new pg.Client({ connectionString: viaProxy(), application_name: applicationName });
    c.on('error', () => undefined);
    clients.push(c);
    await c.connect();
    return c;
  };

  const outcomesOf = (text: RegExp) => seen.filter((s) => s.statement.texts.some((t) => text.test(t)));
  /**
   * The outcomes of `count` statements matching `text`, once they are all in: node-postgres rejects
   * a query at its ErrorResponse, which may arrive in a chunk before its ReadyForQuery.
   */
  const settled = (text: RegExp, count: number) => waitFor(`${count} outcomes of ${text}`, () => (outcomesOf(text).length >= count ? outcomesOf(text) : undefined));

  beforeEach(async () => {
    seen = [];
    closed = [];
    before = undefined;
    proxy = await startPostgresProxy({
      server: { host: target().hostname, port: Number(target().port || 5432) },
      hooks: {
        beforeStatement: (lane, statement) => before?.(lane, statement),
        afterStatement: (lane, statement, outcome) => void seen.push({ lane, statement, outcome }),
        laneClosed: (lane, why) => void closed.push([lane.applicationName, why]),
      },
    });
    admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    // Not racelab_…: a `racelab clean` in another test file would take it for a killed run's.
    schema = `proxy_test_${randomBytes(4).toString('hex')}`;
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.query(`CREATE TABLE ${schema}.t (k int PRIMARY KEY)`);
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.end().catch(() => undefined)));
    await proxy.close();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  it('passes startup and authentication through, and names the lane by its startup parameters and its backend', async () => {
    const c = await client('lane-a');
    const { rows } = await c.query('SELECT pg_backend_pid() AS pid, current_user AS who');
    const [lane] = proxy.lanes();
    expect(lane).toMatchObject({ id: 1, applicationName: 'lane-a', user: rows[0].who, database: decodeURIComponent(target().pathname.slice(1)), serverPid: rows[0].pid });
    expect(outcomesOf(/pg_backend_pid/)).toMatchObject([{ outcome: { kind: 'ready', tags: ['SELECT 1'], transaction: 'idle' } }]);
    // What the proxy passed through: SCRAM-SHA-256 on the embedded cluster, trust on the machine's server.
    const methods = (await admin.query(`SELECT DISTINCT auth_method FROM pg_hba_file_rules WHERE type = 'host'`)).rows.map((r: { auth_method: string }) => r.auth_method);
    expect(methods).toContain(server.label === 'embedded' ? 'scram-sha-256' : 'trust');
  });

  it('refuses a client its admit hook refuses, with the reason as a FATAL error, before any server connection', async () => {
    const database = decodeURIComponent(target().pathname.slice(1));
    const guarded = await startPostgresProxy({
      server: { host: target().hostname, port: Number(target().port || 5432) },
      hooks: { admit: (lane) => (lane.database === database ? undefined : `only ${database} here`) },
    });
    try {
      const elsewhere = new URL(server.url);
      elsewhere.hostname = guarded.host;
      elsewhere.port = String(guarded.port);
      elsewhere.pathname = '/template1';
      const refused = new pg.Client({ connectionString: elsewhere.toString() });
      refused.on('error', () => undefined);
      await expect(refused.connect()).rejects.toMatchObject({ code: '28000', severity: 'FATAL', message: `only ${database} here` });
      await refused.end().catch(() => undefined);
      expect(guarded.lanes()).toEqual([]);
      // The database it admits: a session as usual.
      elsewhere.pathname = `/${encodeURIComponent(database)}`;
      const admitted = new pg.Client({ connectionString: elsewhere.toString() });
      await admitted.connect();
      expect((await admitted.query('SELECT current_database() AS db')).rows[0].db).toBe(database);
      await admitted.end();
    } finally {
      await guarded.close();
    }
  });

  it('cuts a simple query and extended queries with parameters and prepared statements, with their texts and tags', async () => {
    const c = await client('lane-a');
    await c.query(`INSERT INTO ${schema}.t VALUES (1)`);
    const insert = { name: 'insert-k', text: `INSERT INTO ${schema}.t VALUES ($1) RETURNING k` };
    expect((await c.query({ ...insert, values: [2] })).rows).toEqual([{ k: 2 }]);
    // The second use of a named statement sends only Bind, Execute and Sync: its text is the one prepared before.
    expect((await c.query({ ...insert, values: [3] })).rows).toEqual([{ k: 3 }]);
    const inserts = outcomesOf(/INSERT/).map((s) => ({ protocol: s.statement.protocol, texts: s.statement.texts, tags: s.outcome.kind === 'ready' && s.outcome.tags }));
    expect(inserts).toEqual([
      { protocol: 'simple', texts: [`INSERT INTO ${schema}.t VALUES (1)`], tags: ['INSERT 0 1'] },
      { protocol: 'extended', texts: [insert.text], tags: ['INSERT 0 1'] },
      { protocol: 'extended', texts: [insert.text], tags: ['INSERT 0 1'] },
    ]);
    const [first, second] = outcomesOf(/RETURNING/);
    expect(first!.statement.messages).toMatch(/^P.*S$/);
    expect(second!.statement.messages).not.toContain('P');
  });

  it("brings a statement's SQLSTATE and constraint to afterStatement, as the client sees them", async () => {
    const c = await client('lane-a');
    await c.query(`INSERT INTO ${schema}.t VALUES (1)`);
    await expect(c.query(`INSERT INTO ${schema}.t VALUES (1)`)).rejects.toMatchObject({ code: '23505' });
    const [, duplicate] = await settled(/INSERT/, 2);
    expect(duplicate!.outcome).toMatchObject({ kind: 'ready', tags: [], error: { code: '23505', constraint: 't_pkey', severity: 'ERROR' }, transaction: 'idle' });
  });

  it("holds lane A's INSERT until lane B's has finished: B inserts, A gets the server's 23505", async () => {
    const [a, b] = [await client('A'), await client('B')];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let held = false;
    before = async (lane, statement) => {
      if (lane.applicationName === 'A' && statement.texts.some((t) => t.startsWith('INSERT'))) {
        held = true;
        await released;
      }
    };
    const aInsert = a.query(`INSERT INTO ${schema}.t VALUES ($1)`, [7]).then(() => 'ok', (e: { code?: string }) => e.code);
    await waitFor('A held', () => (held ? true : undefined));
    await b.query(`INSERT INTO ${schema}.t VALUES ($1)`, [7]);
    release();
    expect(await aInsert).toBe('23505');
    const order = (await settled(/INSERT/, 2)).map((s) => [s.lane.applicationName, s.outcome.kind === 'ready' ? (s.outcome.error?.code ?? 'ok') : s.outcome.kind]);
    expect(order).toEqual([['B', 'ok'], ['A', '23505']]);
    const [bDone, aDone] = outcomesOf(/INSERT/).map((s) => s.outcome as StatementOutcome & { kind: 'ready' });
    expect(aDone!.startUs).toBeGreaterThanOrEqual(bDone!.endUs);
  });

  it('releases an extended batch at its Flush, so a client that waits for the answers before its Sync is not stuck', async () => {
    const c = await client('flusher');
    // node-postgres authenticates (SCRAM or trust); then the test takes its socket and speaks the protocol itself.
    const socket = (c as unknown as { connection: { stream: Socket } }).connection.stream;
    socket.removeAllListeners('data');
    const reader = new FrameReader();
    const answers: string[] = [];
    socket.on('data', (chunk: Buffer) => {
      reader.push(chunk);
      for (let frame = reader.nextMessage(); frame !== undefined; frame = reader.nextMessage()) answers.push(frame.type);
    });
    const holds: string[] = [];
    before = (lane, statement) => void (lane.applicationName === 'flusher' && holds.push(statement.messages));
    socket.write(Buffer.concat([parse('', 'SELECT 42 AS n'), describeStatement(''), flush()]));
    // ParseComplete, ParameterDescription, RowDescription: the server answered a batch with no Sync yet.
    await waitFor('the answers to Parse and Describe', () => (answers.length >= 3 ? true : undefined));
    expect(answers).toEqual(['1', 't', 'T']);
    expect(outcomesOf(/SELECT 42/)).toEqual([]);
    socket.write(Buffer.concat([bind('', ''), execute(''), sync()]));
    const [done] = await settled(/SELECT 42/, 1);
    expect(answers.slice(3)).toEqual(['2', 'D', 'C', 'Z']);
    expect(done!.statement).toMatchObject({ protocol: 'extended', texts: ['SELECT 42 AS n'], messages: 'PDHBES' });
    expect(done!.outcome).toMatchObject({ kind: 'ready', tags: ['SELECT 1'], transaction: 'idle' });
    // Held once, at its first part.
    expect(holds).toEqual(['PDH']);
  });

  it("matches each of a pipeline's statements to its own answer, and takes postgres.js's Flush-cut first use whole", async () => {
    const sql = postgres(viaProxy(), { max: 1, connection: { application_name: 'pipeliner' }, onnotice: () => undefined });
    const query = (n: number) => sql`SELECT ${n}::int AS n, pg_sleep(0.05)`;
    try {
      // Its first use is Parse, Describe, Flush, and, once described, Bind, Execute, Sync: one statement.
      await query(0);
      const [first] = await settled(/pg_sleep\(0\.05\)/, 1);
      expect(first!.statement.messages).toBe('PDHBES');
      // Prepared and described, the next three are sent together, before the first is answered.
      const results = await Promise.all([1, 2, 3].map(query));
      expect(results.map((rows) => rows[0]!['n'])).toEqual([1, 2, 3]);
      const outcomes = (await settled(/pg_sleep\(0\.05\)/, 4)).slice(1).map((s) => s.outcome as StatementOutcome & { kind: 'ready' });
      expect(outcomes.map((o) => o.tags)).toEqual([['SELECT 1'], ['SELECT 1'], ['SELECT 1']]);
      expect(outcomes[1]!.startUs).toBeLessThan(outcomes[0]!.endUs);
      expect(outcomes[0]!.endUs).toBeLessThan(outcomes[1]!.endUs);
      expect(outcomes[1]!.endUs).toBeLessThan(outcomes[2]!.endUs);
    } finally {
      await sql.end({ timeout: 5 });
    }
  });

  it("forwards a CancelRequest with the server's own key: a pg_sleep ends with 57014", async () => {
    const c = await client('sleeper');
    const sleeping = c.query('SELECT pg_sleep(30)').then(() => 'finished', (e: { code?: string }) => e.code);
    const pid = await waitFor('the sleep on the server', async () => (await admin.query(`SELECT pid FROM pg_stat_activity WHERE application_name = 'sleeper' AND query LIKE '%pg_sleep%' AND state = 'active'`)).rows[0]?.pid as number | undefined);
    const key = c as unknown as { processID: number; secretKey: number };
    expect(key.processID).toBe(pid);
    const cancel = netConnect(proxy.port, proxy.host);
    cancel.on('error', () => undefined);
    cancel.end(startupPacket(int32(80877102), int32(key.processID), int32(key.secretKey)));
    expect(await sleeping).toBe('57014');
    expect(await settled(/pg_sleep/, 1)).toMatchObject([{ outcome: { kind: 'ready', error: { code: '57014' } } }]);
  });

  it('tells a held statement dropped when its client goes away, and the lane ends', async () => {
    const c = await client('leaver');
    before = (lane, statement) => (lane.applicationName === 'leaver' && statement.texts.some((t) => t.includes('never'))) ? new Promise<void>(() => undefined) : undefined;
    void c.query("SELECT 'never'").catch(() => undefined);
    await waitFor('the statement held', () => (proxy.lanes().length === 1 ? true : undefined));
    await c.end();
    await waitFor('the lane to end', () => (proxy.lanes().length === 0 ? true : undefined));
    expect(await settled(/never/, 1)).toMatchObject([{ outcome: { kind: 'dropped', why: 'client-closed' } }]);
    expect(closed).toEqual([['leaver', 'client-closed']]);
  });

  it('ends the client when its server connection drops', async () => {
    const c = await client('victim');
    const ended = new Promise<void>((resolve) => c.once('end', () => resolve()));
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'victim'`);
    await ended;
    await waitFor('the lane to end', () => (proxy.lanes().length === 0 ? true : undefined));
    expect(closed).toEqual([['victim', 'server-closed']]);
  });

  it('closes everything: the listening socket and every lane, and resolves once they are closed', async () => {
    const c = await client('lane-a');
    const ended = new Promise<void>((resolve) => c.once('end', () => resolve()));
    await proxy.close();
    await ended;
    const refused = await new Promise<string>((resolve) => {
      const s = netConnect(proxy.port, proxy.host);
      s.on('connect', () => resolve('connected'));
      s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
  });

  it.skipIf(!hasPsql)('with psql: plain text after the refused SSLRequest under sslmode=prefer, a clear client error under sslmode=require', async () => {
    const psql = (sslmode: string) => runPsql([viaProxy({ sslmode }), '-XAtc', 'SELECT 40 + 2']);
    const prefer = await psql('prefer');
    expect([prefer.status, prefer.stdout.trim()]).toEqual([0, '42']);
    const require = await psql('require');
    expect(require.status).not.toBe(0);
    expect(require.stderr).toMatch(/server does not support SSL, but SSL was required/);
  });

  it.skipIf(!hasPsql)("with psql interrupted: libpq's own CancelRequest through the proxy ends its pg_sleep with 57014", async () => {
    let interrupt: ReturnType<typeof spawn> | undefined;
    const run = runPsql([viaProxy({ application_name: 'interrupted' }), '-XAtc', 'SELECT pg_sleep(30)'], { started: (child) => (interrupt = child) });
    await waitFor('the sleep on the server', async () => (await admin.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = 'interrupted' AND query LIKE '%pg_sleep%' AND state = 'active'`)).rows[0]);
    interrupt!.kill('SIGINT');
    const { status, stderr } = await run;
    expect(status).not.toBe(0);
    expect(stderr).toMatch(/canceling statement due to user request/);
    expect(await settled(/pg_sleep/, 1)).toMatchObject([{ lane: { applicationName: 'interrupted' }, outcome: { kind: 'ready', error: { code: '57014' } } }]);
  });

  it.skipIf(!hasPsql)('with psql killed mid-statement: its backend goes, and the proxy serves others', async () => {
    const child = spawn(PSQL, [viaProxy({ application_name: 'killed' }), '-XAtc', 'SELECT pg_sleep(60)'], { stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      const pid = await waitFor('the sleep on the server', async () => (await admin.query(`SELECT pid FROM pg_stat_activity WHERE application_name = 'killed' AND query LIKE '%pg_sleep%' AND state = 'active'`)).rows[0]?.pid as number | undefined);
      expect(proxy.lanes().map((l) => l.serverPid)).toContain(pid);
      child.kill('SIGKILL');
      await exited;
      await waitFor(`backend ${pid} to go`, async () => ((await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rowCount === 0 ? true : undefined));
      expect(await settled(/pg_sleep/, 1)).toMatchObject([{ outcome: { kind: 'lost', why: 'client-closed' } }]);
      const other = await client('other');
      expect((await other.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
