/**
 * Drizzle get-or-create, fixed the idiomatic way: let the unique index decide. One INSERT that
 * does nothing when the user already has a profile, then read the row, whoever inserted it. There
 * is no check to lose: the insert is the check, and the database serialises it on the index.
 * Every caller gets the one profile and no error.
 *
 * Drizzle spells "do nothing" per dialect: `.onConflictDoNothing({ target: profiles.user_id })`
 * on PostgreSQL (ON CONFLICT (user_id) DO NOTHING); on MariaDB/MySQL, which have no ON CONFLICT,
 * ``.onDuplicateKeyUpdate({ set: { user_id: sql`user_id` } })``, a no-op assignment (ON DUPLICATE
 * KEY UPDATE user_id = user_id), as Drizzle's docs suggest for want of a "do nothing" there.
 */
import { eq, sql } from 'drizzle-orm';
import { drizzle as drizzleMysql, type MySql2Database } from 'drizzle-orm/mysql2';
import { mysqlTable, varchar as myVarchar } from 'drizzle-orm/mysql-core';
import { drizzle as drizzlePg, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { pgTable, varchar as pgVarchar } from 'drizzle-orm/pg-core';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { defineScenario } from 'racelab';

// The application's schema. PostgreSQL: plain pgTable, found through the search_path the run's URL sets.
const pgProfiles = pgTable('profiles', {
  user_id: pgVarchar('user_id', { length: 191 }).notNull().unique(),
  name: pgVarchar('name', { length: 191 }).notNull(),
});
const myProfiles = mysqlTable('profiles', {
  user_id: myVarchar('user_id', { length: 191 }).notNull().unique(),
  name: myVarchar('name', { length: 191 }).notNull(),
});
type Profile = typeof pgProfiles.$inferSelect;

/** The application's data layer on PostgreSQL, fixed: insert-or-nothing, then read. */
async function getOrCreateProfilePg(db: NodePgDatabase, userId: string, name: string): Promise<Profile> {
  await db.insert(pgProfiles).values({ user_id: userId, name }).onConflictDoNothing({ target: pgProfiles.user_id });
  // Rows are never deleted here: a profile the insert did not make was made by someone else.
  const [profile] = await db.select().from(pgProfiles).where(eq(pgProfiles.user_id, userId)).limit(1);
  if (!profile) throw new Error(`getOrCreateProfile: ${userId} neither inserted nor found`);
  return profile;
}

/** The same on MariaDB/MySQL. */
async function getOrCreateProfileMysql(db: MySql2Database, userId: string, name: string): Promise<Profile> {
  await db.insert(myProfiles).values({ user_id: userId, name }).onDuplicateKeyUpdate({ set: { user_id: sql`user_id` } });
  const [profile] = await db.select().from(myProfiles).where(eq(myProfiles.user_id, userId)).limit(1);
  if (!profile) throw new Error(`getOrCreateProfile: ${userId} neither inserted nor found`);
  return profile;
}

/** The application's Drizzle and the pool under it, which the worker ends. */
type App = { family: 'postgresql'; db: NodePgDatabase; pool: pg.Pool } | { family: 'mysql'; db: MySql2Database; pool: mysql.Pool };

export default defineScenario<App>({
  name: 'drizzle-get-or-create-fixed',
  expect: 'safe',
  why: 'one INSERT … ON CONFLICT DO NOTHING (ON DUPLICATE KEY UPDATE no-op) on a unique index: the database decides, and the loser reads the winner’s row',
  origin: 'orm.drizzle.team/docs/insert, "Upserts and conflicts": onConflictDoNothing({ target }); on MySQL, onDuplicateKeyUpdate setting a column to itself',
  async setup(db, database) {
    if (database.family === 'sqlite') throw new Error('this example runs on PostgreSQL and MariaDB/MySQL');
    // The migration drizzle-kit would generate, as plain SQL: Drizzle itself has no schema builder.
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
