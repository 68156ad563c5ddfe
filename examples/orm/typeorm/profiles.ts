/**
 * The application side of the TypeORM examples: one entity, the two ways of saving it that the
 * scenarios race, and how a worker connects. Not a scenario itself (no `.race.ts`): the scenario
 * files import it, as a test would import the application's repository code.
 */
import { DataSource, EntitySchema, type Repository } from 'typeorm';
import type { AuditProblem, Isolation, QueryClient, RunDatabase } from 'racelab';

export interface Profile {
  user_id: string;
  name: string;
  /** Who created the row: the op's owner tag. Never updated, so the audit can name both creators of a duplicate. */
  created_by: string;
}

/**
 * No decorators: an EntitySchema. TypeORM needs a primary column in its metadata, so `user_id` is
 * declared primary here whatever the real table has: the racy examples create the table without
 * any key (synchronize is off), which is exactly the situation the ORM cannot see.
 */
export const ProfileEntity = new EntitySchema<Profile>({
  name: 'Profile',
  tableName: 'profiles',
  columns: {
    user_id: { type: String, primary: true, length: 191 },
    name: { type: String, length: 191 },
    created_by: { type: String, length: 191, update: false },
  },
});

/**
 * The application's get-or-create as TypeORM apps commonly write it: `save()`, which TypeORM
 * documents as inserting the entity when it does not exist and updating it when it does. TypeORM finds out which by a SELECT
 * on the primary key, sent before it opens its transaction, then INSERTs inside that transaction.
 */
export function saveProfile(profiles: Repository<Profile>, userId: string, createdBy: string): Promise<Profile> {
  return profiles.save({ user_id: userId, name: `profile of ${userId}`, created_by: createdBy });
}

/**
 * The same with `upsert()`: one `INSERT … ON CONFLICT (user_id) DO UPDATE` on PostgreSQL,
 * `INSERT … ON DUPLICATE KEY UPDATE` on MariaDB/MySQL. The unique key decides, in one statement.
 */
export async function upsertProfile(profiles: Repository<Profile>, userId: string, createdBy: string): Promise<void> {
  await profiles.upsert({ user_id: userId, name: `profile of ${userId}`, created_by: createdBy }, ['user_id']);
}

/** The levels a worker has a DataSource for. */
const LEVELS = ['read-committed', 'repeatable-read', 'serializable'] as const satisfies readonly Isolation[];
type Level = (typeof LEVELS)[number];
const SQL_LEVEL: Record<Level, string> = { 'read-committed': 'READ COMMITTED', 'repeatable-read': 'REPEATABLE READ', serializable: 'SERIALIZABLE' };

/**
 * A worker's DataSources, one per isolation level. `save()` takes no isolation level: its
 * transaction, and on PostgreSQL every statement outside one, runs at the session's default. So
 * each DataSource's one connection has its default set to a level (PostgreSQL
 * `default_transaction_isolation` as a startup option, MariaDB/MySQL `SET SESSION TRANSACTION
 * ISOLATION LEVEL` once connected), which is how a server configured for that level runs the
 * same code. Made once per worker, so no op pays for (or is interleaved with) a connection's setup.
 */
export type DataSources = Record<Level, DataSource>;

export async function connectDataSources(database: RunDatabase): Promise<DataSources> {
  const made: Partial<DataSources> = {};
  try {
    for (const level of LEVELS) made[level] = await dataSource(database, level);
    return made as DataSources;
  } catch (error) {
    await closeDataSources(made);
    throw error;
  }
}

export async function closeDataSources(sources: Partial<DataSources>): Promise<void> {
  await Promise.all(Object.values(sources).map((source) => source?.destroy()));
}

/** The repository of the level the op runs at (`ctx.isolation`). */
export function profilesAt(sources: DataSources, isolation: Isolation): Repository<Profile> {
  const source = (sources as Partial<Record<Isolation, DataSource>>)[isolation];
  if (source === undefined) throw new Error(`no DataSource for isolation ${isolation}`);
  return source.getRepository(ProfileEntity);
}

async function dataSource(database: RunDatabase, level: Level): Promise<DataSource> {
  if (database.family === 'postgresql') {
    const { host, port, user, password, database: name, searchPath } = database.connection;
    const source = new DataSource({
      type: 'postgres',
      host: host!, port: port!, username: user!, database: name!,
      ...(password !== undefined && { password }),
      entities: [ProfileEntity],
      // TypeORM's `schema` option qualifies names but sets no search_path: the startup options do,
      // and the default level with it (a backslash keeps "repeatable read" one word for PostgreSQL).
      // idleTimeoutMillis 0: the pool never closes the connection, so no op reconnects.
      extra: { options: `-c search_path=${searchPath} -c default_transaction_isolation=${SQL_LEVEL[level].toLowerCase().replace(' ', '\\ ')}`, idleTimeoutMillis: 0 },
      poolSize: 1,
    });
    return source.initialize();
  }
  if (database.family === 'mysql') {
    // mysql2 keeps an idle connection for good (maxIdle defaults to the pool's size), so the one
    // connection of this pool keeps the level set here.
    const source = await new DataSource({ type: 'mysql', url: database.url, connectorPackage: 'mysql2', entities: [ProfileEntity], poolSize: 1 }).initialize();
    await source.query(`SET SESSION TRANSACTION ISOLATION LEVEL ${SQL_LEVEL[level]}`);
    return source;
  }
  throw new Error(`the TypeORM examples run on PostgreSQL and MariaDB/MySQL, not ${database.family}`);
}

/**
 * The profiles table, by raw SQL so that it is exactly what the example says: with `key`, user_id
 * is the primary key TypeORM believes in; without, it is a plain column and nothing stops a
 * second row. varchar(191): the longest a MariaDB/MySQL utf8mb4 index takes in full.
 */
export async function createProfiles(db: QueryClient, key: boolean): Promise<void> {
  await db.query(`CREATE TABLE profiles (user_id varchar(191) NOT NULL${key ? ' PRIMARY KEY' : ''}, name varchar(191) NOT NULL, created_by varchar(191) NOT NULL)`);
}

/** Every profile beyond the first for a user is one op that created a duplicate. */
export async function duplicateProfiles(db: QueryClient, family: RunDatabase['family']): Promise<AuditProblem[]> {
  const owners = family === 'postgresql' ? "string_agg(created_by, ', ' ORDER BY created_by)" : "group_concat(created_by ORDER BY created_by SEPARATOR ', ')";
  const { rows } = await db.query<{ user_id: string; n: number | string; owners: string }>(
    `SELECT user_id, count(*) AS n, ${owners} AS owners FROM profiles GROUP BY user_id HAVING count(*) > 1 ORDER BY user_id`,
  );
  return rows.flatMap((row) =>
    Array.from({ length: Number(row.n) - 1 }, () => ({ message: `${row.n} profiles for ${row.user_id} (created by ${row.owners})`, key: row.user_id })),
  );
}
