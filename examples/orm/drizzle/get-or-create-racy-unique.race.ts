/**
 * The same Drizzle get-or-create (get-or-create-racy.race.ts), now with a unique index on
 * profiles.user_id. The index keeps the second row out, but the code still checks then inserts:
 * two requests for the same new user both find nothing, both insert, and the loser's insert fails
 * with the database's unique violation (23505 on PostgreSQL, 1062 on MariaDB/MySQL), which the
 * application never catches. Drizzle wraps the driver's error (DrizzleQueryError, the driver's as
 * its cause); racelab reads the code through the wrapper and counts an IntegrityError.
 *
 * Runs on PostgreSQL (drizzle-orm/node-postgres over a pg Pool) and MariaDB/MySQL
 * (drizzle-orm/mysql2 over a mysql2/promise pool): racelab sees and schedules the statements
 * Drizzle sends through either driver. Drizzle's tables and databases are typed per dialect, so
 * the application's function is written once for each.
 */
import { eq } from 'drizzle-orm';
import { drizzle as drizzleMysql, type MySql2Database } from 'drizzle-orm/mysql2';
import { mysqlTable, varchar as myVarchar } from 'drizzle-orm/mysql-core';
import { drizzle as drizzlePg, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { pgTable, varchar as pgVarchar } from 'drizzle-orm/pg-core';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { defineScenario } from 'racelab';

// The application's schema. PostgreSQL: plain pgTable, found through the search_path the run's URL sets.
const pgProfiles = pgTable('profiles', {
  user_id: pgVarchar('user_id', { length: 191 }).notNull(),
  name: pgVarchar('name', { length: 191 }).notNull(),
});
const myProfiles = mysqlTable('profiles', {
  user_id: myVarchar('user_id', { length: 191 }).notNull(),
  name: myVarchar('name', { length: 191 }).notNull(),
});
type Profile = typeof pgProfiles.$inferSelect;

/** The application's data layer on PostgreSQL, as written: select, then insert if absent. */
async function getOrCreateProfilePg(db: NodePgDatabase, userId: string, name: string): Promise<Profile> {
  const [found] = await db.select().from(pgProfiles).where(eq(pgProfiles.user_id, userId)).limit(1);
  if (found) return found;
  await db.insert(pgProfiles).values({ user_id: userId, name });
  return { user_id: userId, name };
}

/** The same on MariaDB/MySQL. */
async function getOrCreateProfileMysql(db: MySql2Database, userId: string, name: string): Promise<Profile> {
  const [found] = await db.select().from(myProfiles).where(eq(myProfiles.user_id, userId)).limit(1);
  if (found) return found;
  await db.insert(myProfiles).values({ user_id: userId, name });
  return { user_id: userId, name };
}

/** The application's Drizzle and the pool under it, which the worker ends. */
type App = { family: 'postgresql'; db: NodePgDatabase; pool: pg.Pool } | { family: 'mysql'; db: MySql2Database; pool: mysql.Pool };

export default defineScenario<App>({
  name: 'drizzle-get-or-create-racy-unique',
  expect: 'unsafe',
  why: 'the select and the insert are separate statements: the unique index stops the second profile, but as an error the code does not handle',
  origin: 'Drizzle: db.select().from(t).where(eq(...)).limit(1), then db.insert(t).values(...) when empty; over a unique column, with no onConflict',
  async setup(db, database) {
    if (database.family === 'sqlite') throw new Error('this example runs on PostgreSQL and MariaDB/MySQL');
    // The migration drizzle-kit would generate, as plain SQL: Drizzle itself has no schema builder.
    // varchar(191): MariaDB/MySQL cannot index an unbounded TEXT; the same column on PostgreSQL.
    await db.query('CREATE TABLE profiles (user_id varchar(191) NOT NULL UNIQUE, name varchar(191) NOT NULL)');
  },
  connect(database) {
    if (database.family === 'mysql') {
      const pool = mysql.createPool({ uri: database.url, connectionLimit: 2 });
      return { family: 'mysql', db: drizzleMysql({ client: pool }), pool };
    }
    const pool = new pg.Pool({ connectionString: database.url, max: 2 });
    return { family: 'postgresql', db: drizzlePg({ client: pool }), pool };
  },
  disconnect: (app) => app.pool.end(),
  async op(ctx) {
    const app = ctx.connection;
    const userId = `user-${ctx.key()}`;
    if (app.family === 'mysql') await getOrCreateProfileMysql(app.db, userId, ctx.owner);
    else await getOrCreateProfilePg(app.db, userId, ctx.owner);
  },
  async audit(db) {
    const { rows } = await db.query<{ user_id: string; n: number | string }>(
      'SELECT user_id, count(*) AS n FROM profiles GROUP BY user_id HAVING count(*) > 1 ORDER BY user_id',
    );
    return rows.map((row) => ({ message: `${row.n} profiles for ${row.user_id}`, key: row.user_id }));
  },
});
