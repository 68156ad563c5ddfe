/**
 * Driver interception, in-process on real servers: what the patched node-postgres and mysql2 hand
 * to the op's store, in each of the forms ORMs call them, and what racelab counts when a driver it
 * does not intercept (postgres.js) sends the statements. The database is what is under test here:
 * the bytes, the placement in the run's namespace and the server's own error codes.
 */
import mysql from 'mysql2';
import mysqlPromise from 'mysql2/promise';
import pg from 'pg';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { isUniqueViolation } from '../harness/classify.ts';
import { ThreadInterception } from '../harness/intercept/driver-hooks.ts';
import { opScope } from '../harness/intercept/op-scope.ts';
import { RecordingStore, type StepEvent } from '../harness/recording-store.ts';
import type { Database, DriverInterception, OpenStore, StoreTarget } from '../harness/contract/store.ts';
import { connectMysqlDatabase } from '../stores/mysql/database.ts';
import { SESSION_STORE as MYSQL_STORE } from '../stores/mysql/index.ts';
import { connectDatabase } from '../stores/postgres/database.ts';
import { SESSION_STORE as POSTGRES_STORE } from '../stores/postgres/index.ts';
import { describeEachSqliteDriver, sqliteDriverRuns } from './sqlite-driver.ts';
import type { SqliteDriverName } from '../stores/sqlite/drivers/driver.ts';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { reproduce } from '../harness/reproduce.ts';
import { DEFAULTS, fixturePath, withThreads } from './run.ts';

interface Rig {
  database: Database;
  target: StoreTarget;
  store: RecordingStore;
  interception: ThreadInterception;
}

/** A run's namespace, the store's own connection under a recorder, and the thread's interception, as a worker thread has them. */
async function rig(database: Database, storeModule: string, runId: string): Promise<Rig> {
  const target = await database.createRunSchema(runId);
  const module = (await import(storeModule)) as { default: OpenStore; driver: DriverInterception };
  const interception = ThreadInterception.for(storeModule, module.driver, target, []);
  const store = new RecordingStore(await module.default(target), 0, 100);
  return { database, target, store, interception };
}

async function unrig(rig: Rig | undefined): Promise<void> {
  if (!rig) return;
  await rig.store.close();
  await rig.database.dropRunSchema(rig.target);
  await rig.database.stop();
}

/** Runs `body` as the worker's op: every statement its code sends is the store's to record. */
const inOp = <T,>(rig: Rig, body: () => Promise<T>) => opScope.run(rig.store, body);
const sqlOf = (events: readonly StepEvent[]) => events.map((e) => `${e.step}: ${e.sql ?? '(racelab)'} → ${e.result}`);
/** A value as a result shows it: cut to 24 characters. */
const cut = (value: string) => (value.length > 24 ? `${value.slice(0, 23)}…` : value);

describe('node-postgres, intercepted', () => {
  let r: Rig | undefined;
  let pool: pg.Pool;
  beforeAll(async () => {
    r = await rig(await connectDatabase('server', inject('embeddedUrl')), POSTGRES_STORE, `intercept_pg_${process.pid}`);
    await r.store.db.query('CREATE TABLE profiles (user_id text PRIMARY KEY, name text)');
    r.store.events.length = 0;
    // The application's own pool, from the run's connection string alone.
    pool = new pg.Pool({ connectionString: r.target.database.url, max: 2 });
  });
  afterAll(async () => {
    await pool?.end();
    await unrig(r);
  });

  it("records each form ORMs call it in (pool.query, a callback, a config object, a submittable), in the run's schema", async () => {
    const rig = r!;
    await inOp(rig, async () => {
      expect((await pool.query<{ schema: string }>('SELECT current_schema() AS schema')).rows[0]!.schema).toBe(rig.target.schema);
      await pool.query('INSERT INTO profiles VALUES ($1, $2)', ['u1', 'w1:op1']);
      const client = await pool.connect();
      try {
        await new Promise((resolve, reject) => client.query('SELECT * FROM profiles', (error: Error | null | undefined, result: unknown) => (error ? reject(error) : resolve(result))));
        await new Promise((resolve, reject) =>
          client.query({ text: 'SELECT name FROM profiles WHERE user_id = $1', values: ['u1'] }, (error: Error | null | undefined, result: unknown) => (error ? reject(error) : resolve(result))),
        );
        await new Promise((resolve, reject) => client.query(new pg.Query('UPDATE profiles SET name = $1', ['w1:op1 again'], (error: Error | null | undefined, result: unknown) => (error ? reject(error) : resolve(result)))));
      } finally {
        client.release();
      }
    });
    // A read says what it found: the first row it returned.
    expect(sqlOf(rig.store.events)).toEqual([
      `select: SELECT current_schema() AS schema → 1 row: schema=${cut(rig.target.schema)}`,
      'insert: INSERT INTO profiles VALUES ($1, $2) → 1 row',
      'select: SELECT * FROM profiles → 1 row: user_id=u1, name=w1:op1',
      'select: SELECT name FROM profiles WHERE user_id = $1 → 1 row: name=w1:op1',
      'update: UPDATE profiles SET name = $1 → 1 row',
    ]);
    // Timed on the one clock, each after the one before.
    for (const [a, b] of rig.store.events.slice(0, -1).map((e, i) => [e, rig.store.events[i + 1]!] as const)) expect(b.startUs).toBeGreaterThanOrEqual(a.endUs);
  });

  it("hands the caller the server's unique violation as it was, known as one, and records it with its code", async () => {
    const rig = r!;
    rig.store.events.length = 0;
    const error = await inOp(rig, () => pool.query('INSERT INTO profiles VALUES ($1, $2)', ['u1', 'w2:op1']).then(() => undefined, (e: unknown) => e));
    expect(error).toBeInstanceOf(Error);
    expect((error as { code?: string }).code).toBe('23505');
    expect(isUniqueViolation(error)).toBe(true);
    expect(rig.store.events).toMatchObject([{ step: 'insert', failed: true, code: '23505' }]);
  });

  it("sees racelab's own statements once, as its store's, and nothing sent outside an op", async () => {
    const rig = r!;
    rig.store.events.length = 0;
    await inOp(rig, () => rig.store.exists('k1'));
    await pool.query('SELECT 1');
    expect(sqlOf(rig.store.events)).toEqual(['exists: (racelab) → false']);
  });

  it('counts and names what postgres.js sends: a driver it does not intercept', async () => {
    const rig = r!;
    rig.store.events.length = 0;
    const sql = postgres(rig.target.database.url, { max: 1 });
    try {
      await inOp(rig, async () => {
        await sql`select name from profiles where user_id = ${'u1'}`;
      });
    } finally {
      await sql.end();
    }
    // Nothing of it was timed or could be scheduled: it is counted as having gone around racelab.
    expect(rig.store.events).toEqual([]);
    const counted = rig.store.uncontrolled.take() ?? { count: 0, examples: [], causes: [] };
    expect(counted.examples).toContain('select name from profiles where user_id = $1');
    expect(counted.causes).toEqual([expect.stringMatching(/^sent through a driver racelab does not intercept; on this database it sees and schedules pg/)]);
  });
});

const mysqlUrl = inject('mysqlUrl');

describe.skipIf(!mysqlUrl)('mysql2, intercepted (MariaDB)', () => {
  let r: Rig | undefined;
  beforeAll(async () => {
    r = await rig(await connectMysqlDatabase('server', mysqlUrl), MYSQL_STORE, `intercept_my_${process.pid}`);
    await r.store.db.query('CREATE TABLE profiles (user_id varchar(191) PRIMARY KEY, name text)');
    r.store.events.length = 0;
  });
  afterAll(() => unrig(r));

  it("records the promise API, a pool's query, execute and a callback, in the run's database, and classifies 1062", async () => {
    const rig = r!;
    const promised = mysqlPromise.createPool({ uri: rig.target.database.url, connectionLimit: 2 });
    // The callback pool hands its connection a Query command made beforehand (Sequelize's and Kysely's path).
    const callbacks = mysql.createPool({ uri: rig.target.database.url, connectionLimit: 1 });
    try {
      let duplicate: unknown;
      await inOp(rig, async () => {
        expect((await promised.query<mysqlPromise.RowDataPacket[]>('SELECT DATABASE() AS db'))[0][0]!['db']).toBe(rig.target.schema);
        await promised.execute('INSERT INTO profiles VALUES (?, ?)', ['u1', 'w1:op1']);
        await new Promise((resolve, reject) => callbacks.query('SELECT * FROM profiles', (error, rows) => (error ? reject(error) : resolve(rows))));
        duplicate = await promised.query('INSERT INTO profiles VALUES (?, ?)', ['u1', 'w2:op1']).then(() => undefined, (e: unknown) => e);
      });
      expect((duplicate as { errno?: number }).errno).toBe(1062);
      expect(isUniqueViolation(duplicate)).toBe(true);
      expect(sqlOf(rig.store.events)).toEqual([
        `select: SELECT DATABASE() AS db → 1 row: db=${cut(rig.target.schema)}`,
        'insert: INSERT INTO profiles VALUES (?, ?) → 1 row',
        'select: SELECT * FROM profiles → 1 row: user_id=u1, name=w1:op1',
        'insert: INSERT INTO profiles VALUES (?, ?) → 1062 Duplicate entry \'u1\' for key \'PRIMARY\'',
      ]);
      expect(rig.store.events[3]).toMatchObject({ failed: true, code: '1062' });
    } finally {
      await promised.end();
      await new Promise((resolve) => callbacks.end(resolve));
    }
  });
});

/** What a scenario's own code opens with each SQLite driver: the library itself, as the code would import it. */
type SqliteLibrary = new (file: string) => {
  prepare(text: string): { run(...values: unknown[]): unknown; get(...values: unknown[]): unknown };
  exec(text: string): unknown;
  close(): void;
};
function sqliteLibrary(driver: SqliteDriverName): SqliteLibrary {
  const required = createRequire(import.meta.url)(driver) as SqliteLibrary | { DatabaseSync: SqliteLibrary };
  return 'DatabaseSync' in required ? required.DatabaseSync : required;
}

describeEachSqliteDriver('the scenario\'s own driver, intercepted', (driver) => {
  let r: Rig | undefined;
  beforeAll(async () => {
    // Imported here: without the driver the file still loads, and this block is skipped.
    const [{ openSqliteDatabase }, { sessionStoreModule }] = await Promise.all([import('../stores/sqlite/database.ts'), import('../stores/sqlite/index.ts')]);
    r = await rig(await openSqliteDatabase({ directory: true }, driver), sessionStoreModule(driver), `intercept_sq_${process.pid}`);
    await r.store.db.query('CREATE TABLE profiles (user_id text PRIMARY KEY, name text)');
    r.store.events.length = 0;
  });
  afterAll(() => unrig(r));

  it("records the application's synchronous statements, each begun and ended around the call, and classifies a duplicate key by SQLite's own code", async () => {
    const rig = r!;
    const Library = sqliteLibrary(driver);
    const db = new Library(rig.target.database.url);
    try {
      let duplicate: unknown;
      await inOp(rig, async () => {
        db.prepare('INSERT INTO profiles VALUES (?, ?)').run('u1', 'w1:op1');
        expect(db.prepare('SELECT name FROM profiles WHERE user_id = ?').get('u1')).toEqual({ name: 'w1:op1' });
        try {
          db.prepare('INSERT INTO profiles VALUES (?, ?)').run('u1', 'w2:op1');
        } catch (error) {
          duplicate = error;
        }
        db.exec("UPDATE profiles SET name = 'w1:op1 again' WHERE user_id = 'u1'");
      });
      expect(isUniqueViolation(duplicate)).toBe(true);
      expect(sqlOf(rig.store.events)).toEqual([
        'insert: INSERT INTO profiles VALUES (?, ?) → 1 row',
        'select: SELECT name FROM profiles WHERE user_id = ? → 1 row: name=w1:op1',
        'insert: INSERT INTO profiles VALUES (?, ?) → SQLITE_CONSTRAINT_PRIMARYKEY UNIQUE constraint failed: profiles.user_id',
        "update: UPDATE profiles SET name = 'w1:op1 again' WHERE user_id = 'u1' → 0 rows",
      ]);
      // The code gets the driver's own error, as it would without racelab: only marked, never replaced.
      expect(duplicate).toMatchObject(driver === 'node:sqlite' ? { code: 'ERR_SQLITE_ERROR', errcode: 1555 } : { code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
    } finally {
      db.close();
    }
  });

  // node:sqlite's tag store (Node 24 and later) prepares its statements without `prepare`.
  const tagStores = driver === 'node:sqlite' && sqliteDriverRuns(driver) && typeof (sqliteLibrary(driver).prototype as { createTagStore?: unknown }).createTagStore === 'function';
  it.skipIf(!tagStores)("records node:sqlite's tag store too: sql.run`…`, sql.get`…`, the values as parameters", async () => {
    const rig = r!;
    rig.store.events.length = 0;
    const db = new (sqliteLibrary(driver))(rig.target.database.url) as unknown as { createTagStore(): Record<'run' | 'get', (strings: TemplateStringsArray, ...values: unknown[]) => unknown>; close(): void };
    try {
      const sql = db.createTagStore();
      await inOp(rig, async () => {
        sql.run`INSERT INTO profiles VALUES (${'u9'}, ${'w1:op2'})`;
        expect(sql.get`SELECT name FROM profiles WHERE user_id = ${'u9'}`).toEqual({ name: 'w1:op2' });
      });
      expect(sqlOf(rig.store.events)).toEqual(['insert: INSERT INTO profiles VALUES (?, ?) → 1 row', 'select: SELECT name FROM profiles WHERE user_id = ? → 1 row: name=w1:op2']);
    } finally {
      db.close();
    }
  });
});

describe('a scenario known to send only through its context (a built-in): no interception, no op scope', () => {
  it("leaves the drivers unpatched for the modules it names, and only those: an application's pool is then not seen", async () => {
    const database = await connectDatabase('server', inject('embeddedUrl'));
    try {
      const module = pathToFileURL(fixturePath('pg-pool-profile.race')).href;
      const config = withThreads({ ...DEFAULTS, workers: 2, opsPerWorker: 20, keySpace: 4 });
      const seen = await reproduce({ database, scenarioModules: [module], config });
      const unseen = await reproduce({ database, scenarioModules: [module], config, ownStatementsOnly: new Set([module]) });
      // Its ops send every statement through the application's own pool: seen, they hold keys and
      // two clients on 4 keys overlap on them (40 ops of 3 statements each: no overlap at all is
      // beyond chance); unseen, as a built-in's would be, nothing of them is recorded.
      expect(seen.findings[0]!.windows).toBeGreaterThan(0);
      expect(unseen.findings[0]!.windows).toBe(0);
      expect(unseen.findings[0]!.ops).toBe(40);
    } finally {
      await database.stop();
    }
  });
});

