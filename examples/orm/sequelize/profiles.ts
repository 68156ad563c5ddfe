/**
 * The application side of the Sequelize examples: one model, the two get-or-create calls the
 * scenarios race, and how a worker connects. Not a scenario itself (no `.race.ts`): the scenario
 * files import it, as a test would import the application's models.
 */
import { DataTypes, Sequelize, Transaction, type Model, type ModelStatic } from 'sequelize';
import type { AuditProblem, Isolation, QueryClient, RunDatabase } from 'racelab';

export interface Profile {
  user_id: string;
  name: string;
  /** Who created the row: the op's owner tag, so the audit can name both creators of a duplicate. */
  created_by: string;
}
/** Created with only what findOrCreate's `defaults` give beside its `where`. */
export type ProfileModel = ModelStatic<Model<Profile, Partial<Profile>>>;

/**
 * `user_id` is the model's primary key, so Sequelize adds no `id` column. The real table is made by
 * raw SQL (setup), with or without a key: the model cannot tell, which is the point.
 */
function defineProfile(sequelize: Sequelize): ProfileModel {
  return sequelize.define<Model<Profile, Partial<Profile>>>(
    'Profile',
    {
      user_id: { type: DataTypes.STRING(191), primaryKey: true },
      name: { type: DataTypes.STRING(191), allowNull: false },
      created_by: { type: DataTypes.STRING(191), allowNull: false },
    },
    { tableName: 'profiles', timestamps: false },
  );
}

const LEVELS: Partial<Record<Isolation, Transaction.ISOLATION_LEVELS>> = {
  'read-committed': Transaction.ISOLATION_LEVELS.READ_COMMITTED,
  'repeatable-read': Transaction.ISOLATION_LEVELS.REPEATABLE_READ,
  serializable: Transaction.ISOLATION_LEVELS.SERIALIZABLE,
};

/**
 * The application's get-or-create, as Sequelize's manual gives it: `findOrCreate` opens a
 * transaction, SELECTs, and INSERTs when it found nothing. On PostgreSQL the INSERT runs inside a
 * throwaway plpgsql function that catches `unique_violation`; on MariaDB/MySQL a duplicate's error
 * reaches Sequelize, which then looks the row up again outside the transaction. `isolation` is the
 * level of its transaction, as `new Sequelize(url, { isolationLevel })` would set it for every one.
 */
export function findOrCreateProfile(profiles: ProfileModel, userId: string, createdBy: string, isolation?: Isolation) {
  const isolationLevel = isolation === undefined ? undefined : LEVELS[isolation];
  return profiles.findOrCreate({
    where: { user_id: userId },
    defaults: { name: `profile of ${userId}`, created_by: createdBy },
    ...(isolationLevel !== undefined && { isolationLevel }),
  });
}

/**
 * The same with `upsert`: one `INSERT … ON CONFLICT ("user_id") DO UPDATE` on PostgreSQL, `INSERT …
 * ON DUPLICATE KEY UPDATE` on MariaDB/MySQL, in autocommit: the unique key decides.
 */
export async function upsertProfile(profiles: ProfileModel, userId: string, createdBy: string): Promise<void> {
  await profiles.upsert({ user_id: userId, name: `profile of ${userId}`, created_by: createdBy }, { conflictFields: ['user_id'] });
}

/**
 * A worker's Sequelize, on the run's schema (PostgreSQL: search_path as a startup option) or
 * database (MariaDB/MySQL, through mysql2). Two connections: findOrCreate holds one for its
 * transaction and, after a unique violation, looks the row up on another (with one, it would wait
 * for itself until the pool's acquire timeout: sequelize/sequelize#4333). Both are opened here and
 * do not idle out, so no op pays for (or is interleaved with) a connection's setup.
 *
 * `min: 0`, Sequelize's default: when a COMMIT fails (40001 at serializable), Sequelize destroys
 * that connection, and the next op opens its replacement, whose setup statements are then that
 * op's steps. With a minimum, the pool opens it at once in the background, outside any op, and
 * racelab's explore, which holds every statement until its turn, can stall on it.
 */
export async function connectProfiles(database: RunDatabase): Promise<ProfileModel> {
  const pool = { max: 2, min: 0, idle: 3_600_000 };
  const sequelize =
    database.family === 'postgresql'
      ? new Sequelize(database.url, { dialect: 'postgres', dialectOptions: { options: `-c search_path=${database.namespace}` }, logging: false, pool })
      : database.family === 'mysql'
        ? new Sequelize(database.url, { dialect: 'mysql', logging: false, pool })
        : undefined;
  if (sequelize === undefined) throw new Error(`the Sequelize examples run on PostgreSQL and MariaDB/MySQL, not ${database.family}`);
  try {
    await Promise.all([sequelize.query('SELECT 1'), sequelize.query('SELECT 1')]);
    return defineProfile(sequelize);
  } catch (error) {
    await sequelize.close();
    throw error;
  }
}

export const closeProfiles = (profiles: ProfileModel) => profiles.sequelize!.close();

/**
 * The profiles table, by raw SQL so that it is exactly what the example says: with `unique`,
 * user_id is the primary key the model declares; without, a plain column. varchar(191): the
 * longest a MariaDB/MySQL utf8mb4 index takes in full.
 */
export async function createProfiles(db: QueryClient, unique: boolean): Promise<void> {
  await db.query(`CREATE TABLE profiles (user_id varchar(191) NOT NULL${unique ? ' PRIMARY KEY' : ''}, name varchar(191) NOT NULL, created_by varchar(191) NOT NULL)`);
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
