/**
 * The same `repository.save()` with user_id the table's primary key, as TypeORM's entity says.
 * No duplicate can exist now, but the race is still there: the loser's INSERT fails with the
 * database's unique violation (PostgreSQL 23505, MariaDB/MySQL 1062), which save() rolls back and
 * throws to the application as a QueryFailedError wrapping the driver's error (`driverError`).
 * racelab finds the code through the wrapper and counts it as IntegrityError: a request that
 * failed only because another one for the same user ran at the same moment.
 */
import { defineScenario } from 'racelab';
import { closeDataSources, connectDataSources, createProfiles, duplicateProfiles, profilesAt, saveProfile, type DataSources } from './profiles.ts';

export default defineScenario<DataSources>({
  name: 'typeorm-save-racy-unique',
  expect: 'unsafe',
  why: 'the key stops the duplicate, but save() does not expect its own INSERT to collide: the loser gets QueryFailedError (23505 / 1062)',
  origin: 'TypeORM Repository.save() on an entity whose primary key is the natural key; typeorm/typeorm#10649 (duplicate key from concurrent saves)',
  isolation: 'configured',
  async setup(db) {
    await createProfiles(db, true);
  },
  connect: (database) => connectDataSources(database),
  disconnect: (sources) => closeDataSources(sources),
  async op(ctx) {
    // The application code is unchanged from save-racy.race.ts: only the table differs.
    await saveProfile(profilesAt(ctx.connection, ctx.isolation), `user-${ctx.key()}`, ctx.owner);
  },
  audit: (db, database) => duplicateProfiles(db, database.family),
});
