/**
 * What the Prisma scenarios share: the application's PrismaClient on the run's schema, through
 * node-postgres (@prisma/adapter-pg), where racelab sees and schedules each statement it sends,
 * and the table its schema.prisma maps, created with raw SQL (prisma db push and migrate need
 * Prisma's schema engine, a separate download).
 *
 * The client is generated: run `node scripts/prisma-generate.mjs` first.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import type { QueryClient, RunDatabase } from 'racelab';
import { PrismaClient } from './generated/client.ts';

export type { PrismaClient };

/** `schema`: Prisma qualifies each table with it ("racelab_…"."profiles"), as the URL's search_path would. */
export const connectPrisma = (database: RunDatabase): PrismaClient =>
  new PrismaClient({ adapter: new PrismaPg({ connectionString: database.url }, { schema: database.namespace }) });

/** The table schema.prisma's Profile maps: user_id unique, as `@unique` declares it. */
export async function createProfiles(db: QueryClient): Promise<void> {
  await db.query('CREATE TABLE profiles (id serial PRIMARY KEY, user_id text NOT NULL UNIQUE, name text NOT NULL)');
}

/** Two profiles for one user: what the unique index makes impossible, checked all the same. */
export async function duplicateProfiles(db: QueryClient): Promise<{ message: string; key: string }[]> {
  const { rows } = await db.query<{ user_id: string; n: string }>('SELECT user_id, count(*) AS n FROM profiles GROUP BY user_id HAVING count(*) > 1');
  return rows.map((row) => ({ message: `${row.n} profiles for ${row.user_id}`, key: row.user_id }));
}
