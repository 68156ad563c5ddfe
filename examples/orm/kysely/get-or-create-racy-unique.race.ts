/**
 * The same Kysely get-or-create (get-or-create-racy.race.ts), now with a unique index on
 * profiles.user_id. The index keeps the second row out, but the code still checks then inserts:
 * two requests for the same new user both find nothing, both insert, and the loser's insert fails
 * with the database's unique violation (23505 on PostgreSQL, 1062 on MariaDB/MySQL), which the
 * application never catches. racelab counts it as an IntegrityError: the race, surfacing as an error.
 *
 * Runs on PostgreSQL (PostgresDialect over a pg Pool) and MariaDB/MySQL (MysqlDialect over a
 * mysql2 pool): racelab sees and schedules the statements Kysely sends through either driver.
 */
import { Kysely, MysqlDialect, PostgresDialect, type Selectable } from 'kysely';
import { createPool } from 'mysql2';
import pg from 'pg';
import { defineScenario, type RunDatabase } from 'racelab';

interface Database {
  profiles: { user_id: string; name: string };
}
type Profile = Selectable<Database['profiles']>;

/** The application's data layer, as written: select, then insert if absent. */
async function getOrCreateProfile(db: Kysely<Database>, userId: string, name: string): Promise<Profile> {
  const found = await db.selectFrom('profiles').selectAll().where('user_id', '=', userId).executeTakeFirst();
  if (found) return found;
  await db.insertInto('profiles').values({ user_id: userId, name }).execute();
  return { user_id: userId, name };
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
  name: 'kysely-get-or-create-racy-unique',
  expect: 'unsafe',
  why: 'the select and the insert are separate statements: the unique index stops the second profile, but as an error the code does not handle',
  origin: 'Kysely: selectFrom().where().executeTakeFirst(), then insertInto().values().execute() when undefined; over a unique column, with no onConflict',
  async setup(_db, database) {
    const db = connectKysely(database, 1);
    try {
      // varchar(191): MariaDB/MySQL cannot index an unbounded TEXT; the same column on PostgreSQL.
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
    await getOrCreateProfile(ctx.connection, `user-${ctx.key()}`, ctx.owner);
  },
  async audit(db) {
    const { rows } = await db.query<{ user_id: string; n: number | string }>(
      'SELECT user_id, count(*) AS n FROM profiles GROUP BY user_id HAVING count(*) > 1 ORDER BY user_id',
    );
    return rows.map((row) => ({ message: `${row.n} profiles for ${row.user_id}`, key: row.user_id }));
  },
});
