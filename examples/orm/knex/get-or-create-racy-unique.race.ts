/**
 * The same knex get-or-create (get-or-create-racy.race.ts), now with a unique index on
 * profiles.user_id, as most schemas have. The index keeps the second row out, but the code still
 * checks then inserts: two requests for the same new user both find nothing, both insert, and the
 * loser's insert fails with the database's unique violation (23505 on PostgreSQL, 1062 on
 * MariaDB/MySQL), which the application never catches. The user sees a 500 for a profile that
 * exists: racelab counts it as an IntegrityError, the race surfacing as an error.
 *
 * Runs on PostgreSQL (knex's `pg` client) and MariaDB/MySQL (`mysql2`): racelab sees and
 * schedules the statements knex sends through either driver.
 */
import knex, { type Knex } from 'knex';
import { defineScenario, type RunDatabase } from 'racelab';

interface Profile {
  user_id: string;
  name: string;
}

/** The application's data layer, as written: select, then insert if absent. */
async function getOrCreateProfile(db: Knex, userId: string, name: string): Promise<Profile> {
  const found = await db<Profile>('profiles').where({ user_id: userId }).first();
  if (found) return found;
  await db<Profile>('profiles').insert({ user_id: userId, name });
  return { user_id: userId, name };
}

/** The application's knex, on the run's schema (PostgreSQL: the URL sets search_path) or database (MariaDB/MySQL). */
function connectKnex(database: RunDatabase, max = 2): Knex {
  if (database.family === 'sqlite') throw new Error('this example runs on PostgreSQL and MariaDB/MySQL');
  return knex({ client: database.family === 'mysql' ? 'mysql2' : 'pg', connection: database.url, pool: { min: 0, max } });
}

export default defineScenario<Knex>({
  name: 'knex-get-or-create-racy-unique',
  expect: 'unsafe',
  why: 'the select and the insert are separate statements: the unique index stops the second profile, but as an error the code does not handle',
  origin: 'knex: db(table).where(...).first() then db(table).insert(...) over a unique column (t.string(...).unique()), with no onConflict()',
  async setup(_db, database) {
    const db = connectKnex(database, 1);
    try {
      // varchar(191): MariaDB/MySQL cannot index an unbounded TEXT; the same column on PostgreSQL.
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
