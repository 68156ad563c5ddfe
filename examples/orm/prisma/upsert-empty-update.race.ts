/**
 * Prisma's `upsert()` with `update: {}`, the usual way to write "create it unless it exists".
 * With nothing to update, Prisma does not send `INSERT … ON CONFLICT`: in a transaction, it
 * selects the row by the `where`, and inserts it when none came back. The transaction (READ
 * COMMITTED) locks nothing that is not there yet: two requests for one new user both find none,
 * both insert, and the unique index turns the loser's insert into P2002 ("Unique constraint failed
 * on the constraint: `profiles_user_id_key`"), which the code does not catch: a 500 for a profile
 * that exists.
 */
import { defineScenario } from 'racelab';
import { connectPrisma, createProfiles, duplicateProfiles, type PrismaClient } from './profiles.ts';

/** The application's data layer, as written. */
async function ensureProfile(prisma: PrismaClient, userId: string, name: string) {
  return prisma.profile.upsert({ where: { user_id: userId }, create: { user_id: userId, name }, update: {} });
}

export default defineScenario<PrismaClient>({
  name: 'prisma-upsert-empty-update',
  expect: 'unsafe',
  why: 'with an empty update Prisma upserts as a select, then an insert: the unique index stops the second profile, as a P2002 the code does not handle',
  origin: 'Prisma Client upsert({ where, create, update: {} }): prisma/prisma#3242, #22778, #25967 (P2002 from concurrent upserts)',
  setup: (db) => createProfiles(db),
  connect: (database) => connectPrisma(database),
  disconnect: (prisma) => prisma.$disconnect(),
  async op(ctx) {
    await ensureProfile(ctx.connection, `user-${ctx.key()}`, ctx.owner);
  },
  audit: (db) => duplicateProfiles(db),
});
