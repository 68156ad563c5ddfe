/**
 * The same Prisma `upsert()` (upsert-empty-update.race.ts) with something to update. Prisma then
 * sends one `INSERT … ON CONFLICT ("user_id") DO UPDATE … RETURNING` statement, which the unique
 * index decides: no gap between a check and an insert, and the loser's insert becomes the update.
 * Prisma does so only when the upsert has a single unique field in `where` whose value matches the
 * one in `create`, one model and no nested writes (prisma-engines#3377); otherwise it selects first.
 */
import { defineScenario } from 'racelab';
import { connectPrisma, createProfiles, duplicateProfiles, type PrismaClient } from './profiles.ts';

/** The application's data layer: the fix is an `update` that writes something. */
async function ensureProfile(prisma: PrismaClient, userId: string, name: string) {
  return prisma.profile.upsert({ where: { user_id: userId }, create: { user_id: userId, name }, update: { name } });
}

export default defineScenario<PrismaClient>({
  name: 'prisma-upsert-fixed',
  expect: 'safe',
  why: 'with a non-empty update, upsert() is one INSERT … ON CONFLICT DO UPDATE statement, decided by the unique index',
  origin: "Prisma Client upsert({ where: { user_id }, create, update: { name } }): the database upsert of prisma-engines#3377",
  setup: (db) => createProfiles(db),
  connect: (database) => connectPrisma(database),
  disconnect: (prisma) => prisma.$disconnect(),
  async op(ctx) {
    await ensureProfile(ctx.connection, `user-${ctx.key()}`, ctx.owner);
  },
  audit: (db) => duplicateProfiles(db),
});
