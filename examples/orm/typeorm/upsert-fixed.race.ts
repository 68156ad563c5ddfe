/**
 * The fix: `repository.upsert(profile, ['user_id'])`. TypeORM sends one statement whose conflict
 * the unique key decides (PostgreSQL `INSERT … ON CONFLICT ("user_id") DO UPDATE`, MariaDB/MySQL
 * `INSERT … ON DUPLICATE KEY UPDATE`): there is no gap between a check and an insert for another
 * request to fall into, and no error for the loser, whose statement becomes the update.
 */
import { defineScenario } from 'racelab';
import { closeDataSources, connectDataSources, createProfiles, duplicateProfiles, profilesAt, upsertProfile, type DataSources } from './profiles.ts';

export default defineScenario<DataSources>({
  name: 'typeorm-upsert-fixed',
  expect: 'safe',
  why: 'upsert() is one INSERT … ON CONFLICT / ON DUPLICATE KEY UPDATE statement, decided by the primary key',
  origin: 'TypeORM Repository.upsert(entity, conflictPaths), added by typeorm/typeorm#8104 (closes #2363)',
  // No transaction: upsert() sends one statement in autocommit.
  async setup(db) {
    await createProfiles(db, true);
  },
  connect: (database) => connectDataSources(database),
  disconnect: (sources) => closeDataSources(sources),
  async op(ctx) {
    // Autocommit: the level of the DataSource does not matter; read committed's is used.
    await upsertProfile(profilesAt(ctx.connection, 'read-committed'), `user-${ctx.key()}`, ctx.owner);
  },
  audit: (db, database) => duplicateProfiles(db, database.family),
});
