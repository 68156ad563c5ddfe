/**
 * The same `findOrCreate()` with user_id the table's primary key: the unique constraint it relies on.
 * The loser's INSERT now collides. On PostgreSQL, Sequelize runs that INSERT inside a plpgsql
 * function that catches `unique_violation`, so no 23505 reaches the driver; on MariaDB/MySQL the
 * 1062 reaches Sequelize. Either way findOrCreate answers the collision by looking the row up
 * again, outside its transaction (on a second pooled connection), and returns the winner's row:
 * at READ COMMITTED and REPEATABLE READ the caller sees no error.
 *
 * SERIALIZABLE breaks it, differently on each database. PostgreSQL reports the loser's INSERT as
 * a serialization failure (40001), which the function's handler does not catch: the caller gets
 * it. MariaDB/MySQL turn the SELECTs into shared locks on the gap where the row would go, so the
 * two INSERTs wait for each other and InnoDB kills one (1213, deadlock); Sequelize rolls its
 * transaction back, and then findOrCreate's own `finally` calls `commit()`, which throws "Transaction
 * cannot be committed because it has been finished with state: rollback" in place of the
 * deadlock: the caller gets an Error with no code at all. racelab knows the op by the failure of
 * its INSERT, 1213, and keeps what the caller saw beside it (report.json: `raisedAs`).
 */
import { defineScenario } from 'racelab';
import { closeProfiles, connectProfiles, createProfiles, duplicateProfiles, findOrCreateProfile, type ProfileModel } from './profiles.ts';

const SAFE = "the key refuses the second INSERT and findOrCreate answers the refusal by finding the winner's row again";

export default defineScenario<ProfileModel>({
  name: 'sequelize-find-or-create-unique',
  expect: 'safe',
  why: SAFE,
  origin: 'Sequelize Model.findOrCreate() with the unique constraint it relies on (sequelize/sequelize#3931; lib/model.js: catch UniqueConstraintError, findOne without the transaction)',
  isolation: 'configured',
  expectOn: {
    postgresql: {
      expect: 'safe',
      why: SAFE,
      under: { serializable: { expect: 'unsafe', why: "the loser's INSERT fails 40001, which Sequelize's unique_violation handler does not catch" } },
    },
    mysql: {
      expect: 'safe',
      why: SAFE,
      under: {
        serializable: {
          expect: 'unsafe',
          why: "the SELECTs' shared gap locks deadlock the INSERTs (1213), which Sequelize replaces with \"Transaction cannot be committed…\"",
        },
      },
    },
  },
  async setup(db) {
    await createProfiles(db, true);
  },
  connect: (database) => connectProfiles(database),
  disconnect: (profiles) => closeProfiles(profiles),
  async op(ctx) {
    // The application code is unchanged from find-or-create-racy.race.ts: only the table differs.
    await findOrCreateProfile(ctx.connection, `user-${ctx.key()}`, ctx.owner, ctx.isolation);
  },
  audit: (db, database) => duplicateProfiles(db, database.family),
});
