/**
 * Kysely get-or-create, fixed the idiomatic way: let the unique index decide. One INSERT that
 * does nothing when the user already has a profile, then read the row, whoever inserted it. There
 * is no check to lose: the insert is the check, and the database serialises it on the index.
 * Every caller gets the one profile and no error.
 *
 * Kysely spells "do nothing" per dialect: `onConflict((oc) => oc.column('user_id').doNothing())`
 * on PostgreSQL (ON CONFLICT (user_id) DO NOTHING); on MariaDB/MySQL, which have no ON CONFLICT,
 * `onDuplicateKeyUpdate` with a no-op assignment (ON DUPLICATE KEY UPDATE user_id = user_id).
 * `.ignore()` (INSERT IGNORE) works there too, but also turns other errors into warnings.
 */
import { Kysely, MysqlDialect, PostgresDialect, type Selectable } from 'kysely';
import { createPool } from 'mysql2';
import pg from 'pg';
import { defineScenario, type RunDatabase } from 'racelab';

interface Database {
  profiles: { user_id: string; name: string };
}
type Profile = Selectable<Database['profiles']>;
type Dialect = RunDatabase['family'];

/** Inserts the profile unless the user has one: one statement, decided by the unique index. */
async function insertProfileIfAbsent(db: Kysely<Database>, dialect: Dialect, profile: Profile): Promise<void> {
  const insert = db.insertInto('profiles').values(profile);
  if (dialect === 'mysql') await insert.onDuplicateKeyUpdate({ user_id: (eb) => eb.ref('user_id') }).execute();
  else await insert.onConflict((oc) => oc.column('user_id').doNothing()).execute();
}

/** The application's data layer, fixed: insert-or-nothing, then read. */
async function getOrCreateProfile(db: Kysely<Database>, dialect: Dialect, userId: string, name: string): Promise<Profile> {
  await insertProfileIfAbsent(db, dialect, { user_id: userId, name });
  // Rows are never deleted here: a profile the insert did not make was made by someone else.
  return db.selectFrom('profiles').selectAll().where('user_id', '=', userId).executeTakeFirstOrThrow();
}

/**
 * The application's Kysely, on the run's schema (PostgreSQL: the URL sets search_path) or database
 * (MariaDB/MySQL). Kysely's MysqlDialect takes mysql2's callback pool, not mysql2/promise's.
 */
function connectKysely(database: RunDatabase, max = 2): Kysely<Database> {
  if (database.family === 'sqlite') throw new Error('this example runs on PostgreSQL and MariaDB/MySQL');
  return new Kysely<Database>({
    dialect:
      database.family === 'mysql'
        ? new MysqlDialect({ pool: createPool({ uri: database.url, connectionLimit: max }) })
        : new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max }) }),
  });
}

export default defineScenario<Kysely<Database>>({
  name: 'kysely-get-or-create-fixed',
  expect: 'safe',
  why: 'one INSERT … ON CONFLICT DO NOTHING (ON DUPLICATE KEY UPDATE no-op) on a unique index: the database decides, and the loser reads the winner’s row',
  origin: 'Kysely API docs, InsertQueryBuilder: onConflict((oc) => oc.column(...).doNothing()) on PostgreSQL, onDuplicateKeyUpdate() on MySQL',
  async setup(_db, database) {
    const db = connectKysely(database, 1);
    try {
      await db.schema
        .createTable('profiles')
        .addColumn('user_id', 'varchar(191)', (c) => c.notNull().unique())
        .addColumn('name', 'varchar(191)', (c) => c.notNull())
        .execute();
    } finally {
      await db.destroy(); // ends the pool too
    }
  },
  connect: (database) => connectKysely(database),
  disconnect: (db) => db.destroy(),
  async op(ctx) {
    await getOrCreateProfile(ctx.connection, ctx.database.family, `user-${ctx.key()}`, ctx.owner);
  },
  async audit(db) {
    const { rows } = await db.query<{ user_id: string; n: number | string }>(
      'SELECT user_id, count(*) AS n FROM profiles GROUP BY user_id HAVING count(*) > 1 ORDER BY user_id',
    );
    return rows.map((row) => ({ message: `${row.n} profiles for ${row.user_id}`, key: row.user_id }));
  },
});
