/**
 * Sequelize's `Model.findOrCreate()` on a table with no unique index on the column it finds by.
 * findOrCreate is a transaction around a SELECT and an INSERT, and a transaction is not a lock:
 * two requests for the same new user both SELECT nothing (neither sees the other's uncommitted
 * row) and both INSERT. No error is raised; only the audit sees the second row. Sequelize's
 * maintainers say findOrCreate relies on a unique constraint (sequelize/sequelize#3931).
 * SERIALIZABLE does not fix it either: PostgreSQL
 * refuses one COMMIT (40001) for the caller to retry, and on MariaDB the two SELECTs' shared locks
 * deadlock the two INSERTs (1213), which Sequelize hides behind an error of its own (see
 * find-or-create-unique.race.ts).
 *
 * On PostgreSQL the step racelab names `create` is one query: `CREATE OR REPLACE FUNCTION
 * pg_temp.testfunc() … INSERT … EXCEPTION WHEN unique_violation …; SELECT … FROM
 * pg_temp.testfunc(); DROP FUNCTION …`, Sequelize's way of catching a duplicate inside the
 * transaction; on MariaDB/MySQL it is a plain INSERT.
 */
import { defineScenario } from 'racelab';
import { closeProfiles, connectProfiles, createProfiles, duplicateProfiles, findOrCreateProfile, type ProfileModel } from './profiles.ts';

export default defineScenario<ProfileModel>({
  name: 'sequelize-find-or-create-racy',
  expect: 'unsafe',
  why: 'findOrCreate is SELECT then INSERT in a transaction; with no unique index both racers insert',
  origin: 'Sequelize Model.findOrCreate() (lib/model.js) on a table without a unique index; sequelize/sequelize#3931, #1599',
  // findOrCreate's transaction takes the level: explore tries each (`--isolation` picks one).
  isolation: 'configured',
  async setup(db) {
    await createProfiles(db, false);
  },
  connect: (database) => connectProfiles(database),
  disconnect: (profiles) => closeProfiles(profiles),
  async op(ctx) {
    await findOrCreateProfile(ctx.connection, `user-${ctx.key()}`, ctx.owner, ctx.isolation);
  },
  audit: (db, database) => duplicateProfiles(db, database.family),
});
