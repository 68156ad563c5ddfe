/**
 * `Model.upsert()` with the conflict field named: one statement the unique key decides
 * (PostgreSQL `INSERT … ON CONFLICT ("user_id") DO UPDATE … RETURNING`, MariaDB/MySQL `INSERT …
 * ON DUPLICATE KEY UPDATE`), in autocommit. No gap between a check and an insert, no transaction
 * whose level matters, and no error for the loser, whose statement becomes the update.
 */
import { defineScenario } from 'racelab';
import { closeProfiles, connectProfiles, createProfiles, duplicateProfiles, upsertProfile, type ProfileModel } from './profiles.ts';

export default defineScenario<ProfileModel>({
  name: 'sequelize-upsert-fixed',
  expect: 'safe',
  why: 'upsert() is one INSERT … ON CONFLICT / ON DUPLICATE KEY UPDATE statement, decided by the primary key',
  origin: 'Sequelize Model.upsert(values, { conflictFields }) (conflictFields names the ON CONFLICT target on PostgreSQL; MySQL and MariaDB use the table\'s keys)',
  async setup(db) {
    await createProfiles(db, true);
  },
  connect: (database) => connectProfiles(database),
  disconnect: (profiles) => closeProfiles(profiles),
  async op(ctx) {
    await upsertProfile(ctx.connection, `user-${ctx.key()}`, ctx.owner);
  },
  audit: (db, database) => duplicateProfiles(db, database.family),
});
