/**
 * Knex get-or-create, fixed the idiomatic way: let the unique index decide. One INSERT that
 * does nothing when the user already has a profile (`.onConflict('user_id').ignore()`: ON CONFLICT
 * (user_id) DO NOTHING on PostgreSQL, INSERT IGNORE on MariaDB/MySQL), then read the row, whoever
 * inserted it. There is no check to lose: the insert is the check, and the database serialises it
 * on the index. Every caller gets the one profile and no error.
 *
 * INSERT IGNORE on MariaDB/MySQL also turns other errors into warnings (a too-long value is
 * truncated): knex has no narrower "do nothing" there; `.merge(['user_id'])` (ON DUPLICATE KEY
 * UPDATE user_id = VALUES(user_id)) is the stricter spelling.
 */
import knex, { type Knex } from 'knex';
import { defineScenario, type RunDatabase } from 'racelab';

interface Profile {
  user_id: string;
  name: string;
}

/** The application's data layer, fixed: insert-or-nothing, then read. */
async function getOrCreateProfile(db: Knex, userId: string, name: string): Promise<Profile> {
  await db<Profile>('profiles').insert({ user_id: userId, name }).onConflict('user_id').ignore();
  const profile = await db<Profile>('profiles').where({ user_id: userId }).first();
  // Rows are never deleted here: a profile the insert did not make was made by someone else.
  if (!profile) throw new Error(`getOrCreateProfile: ${userId} neither inserted nor found`);
  return profile;
}

/** The application's knex, on the run's schema (PostgreSQL: the URL sets search_path) or database (MariaDB/MySQL). */
function connectKnex(database: RunDatabase, max = 2): Knex {
  if (database.family === 'sqlite') throw new Error('this example runs on PostgreSQL and MariaDB/MySQL');
  return knex({ client: database.family === 'mysql' ? 'mysql2' : 'pg', connection: database.url, pool: { min: 0, max } });
}

export default defineScenario<Knex>({
  name: 'knex-get-or-create-fixed',
  expect: 'safe',
  why: 'one INSERT … ON CONFLICT DO NOTHING (INSERT IGNORE) on a unique index: the database decides, and the loser simply reads the winner’s row',
  origin: 'knexjs.org, insert() → onConflict(column).ignore(): ON CONFLICT (column) DO NOTHING on PostgreSQL, INSERT IGNORE on MySQL/MariaDB',
  async setup(_db, database) {
    const db = connectKnex(database, 1);
    try {
      await db.schema.createTable('profiles', (t) => {
        t.string('user_id', 191).notNullable().unique();
        t.string('name', 191).notNullable();
      });
    } finally {
      await db.destroy();
    }
  },
  async connect(database) {
    const db = connectKnex(database);
    // knex asks the server its version (`select version()`) on its first query: sent here, before
    // the first op, it is no op's statement and the timelines show only getOrCreateProfile's.
    await db.raw('select 1');
    return db;
  },
  disconnect: (db) => db.destroy(),
  async op(ctx) {
    await getOrCreateProfile(ctx.connection, `user-${ctx.key()}`, ctx.owner);
  },
  async audit(db) {
    const { rows } = await db.query<{ user_id: string; n: number | string }>(
      'SELECT user_id, count(*) AS n FROM profiles GROUP BY user_id HAVING count(*) > 1 ORDER BY user_id',
    );
    return rows.map((row) => ({ message: `${row.n} profiles for ${row.user_id}`, key: row.user_id }));
  },
});
