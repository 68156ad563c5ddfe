/**
 * TypeORM's `repository.save()` as a get-or-create, on a table where nothing in the database says
 * a user has one profile. save() first SELECTs the row by its primary key (outside any
 * transaction), and INSERTs in a transaction of its own when it found none: two requests for the
 * same new user both find nothing and both insert. No error is raised; only the audit sees the
 * second row. No isolation level helps: the check is not in the transaction the level applies to.
 *
 * One file for PostgreSQL and MariaDB/MySQL: racelab sees and schedules what TypeORM sends through
 * node-postgres or mysql2, so explore prints TypeORM's own SQL in the interleaving.
 */
import { defineScenario } from 'racelab';
import { closeDataSources, connectDataSources, createProfiles, duplicateProfiles, profilesAt, saveProfile, type DataSources } from './profiles.ts';

export default defineScenario<DataSources>({
  name: 'typeorm-save-racy',
  expect: 'unsafe',
  why: 'save() selects by primary key and then inserts; the table has no key, so both racers insert',
  origin: 'TypeORM Repository.save() (persistence/EntityPersistExecutor: SubjectDatabaseEntityLoader.load, then startTransaction); typeorm/typeorm#2188 ("by design"), #10649',
  // save() opens a transaction for its INSERT at the session's level: explore tries each.
  isolation: 'configured',
  async setup(db) {
    await createProfiles(db, false);
  },
  connect: (database) => connectDataSources(database),
  disconnect: (sources) => closeDataSources(sources),
  async op(ctx) {
    await saveProfile(profilesAt(ctx.connection, ctx.isolation), `user-${ctx.key()}`, ctx.owner);
  },
  audit: (db, database) => duplicateProfiles(db, database.family),
});
