/**
 * Kysely get-or-create as it is usually written: select the profile, insert it when absent
 * (`executeTakeFirst()`, then `insertInto().values().execute()`). The select and the insert are
 * two statements, and nothing in the database says a user has one profile: two requests for the
 * same new user both find nothing and both insert. No error is ever raised; only the audit finds
 * the second row.
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
  name: 'kysely-get-or-create-racy',
  expect: 'unsafe',
  why: 'the select and the insert are separate statements, and no unique index stops a second profile',
  origin: 'Kysely: selectFrom().where().executeTakeFirst(), then insertInto().values().execute() when undefined; no onConflict, no index',
  async setup(_db, database) {
    const db = connectKysely(database, 1);
    try {
      // varchar(191) as in the variant with the unique index, which MariaDB/MySQL cannot put on TEXT.
      await db.schema
        .createTable('profiles')
        .addColumn('user_id', 'varchar(191)', (c) => c.notNull())
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
