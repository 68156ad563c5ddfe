/**
 * Rails' `validates_uniqueness_of :email` without a unique index: check that the email is free,
 * then insert. Two signups with the same email that check together both insert: no error is ever
 * raised, and only an audit of the table finds the duplicate users.
 */
import { defineScenario } from 'racelab';

/** The email an op signs up, from the key it drew: a small key space makes few emails, so signups meet on one. */
const emailFor = (key: string) => `user-${key.slice(-4)}@example.com`;

export default defineScenario({
  name: 'signup-check-then-insert',
  expect: 'unsafe',
  why: 'the uniqueness check and the insert are separate statements and nothing in the database enforces uniqueness',
  origin: 'Rails validates_uniqueness_of (ActiveRecord::Validations::UniquenessValidator) with no unique index',
  async setup(db) {
    await db.query('CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, created_by text NOT NULL)');
  },
  // The reports name each key as the rows and the audit do: user-000g@example.com (k16).
  keyValue: emailFor,
  async op(ctx) {
    const email = emailFor(ctx.key());
    const taken = await ctx.step('check', () => ctx.db.query('SELECT 1 FROM users WHERE email = $1', [email]));
    // A taken email is a signup the form rejects: a normal outcome, not a failure.
    if (taken.rowCount > 0) return;
    await ctx.step('insert', () => ctx.db.query('INSERT INTO users (email, created_by) VALUES ($1, $2)', [email, ctx.owner]));
  },
  async audit(db) {
    const { rows } = await db.query<{ email: string; users: string; owners: string }>(
      `SELECT email, count(*) AS users, string_agg(created_by, ', ' ORDER BY id) AS owners
         FROM users GROUP BY email HAVING count(*) > 1 ORDER BY email`,
    );
    // Every user beyond the first with an email is one signup that should have been refused.
    return rows.flatMap((row) =>
      Array.from({ length: Number(row.users) - 1 }, () => ({
        message: `${row.users} users share ${row.email} (created by ${row.owners})`,
        key: row.email,
      })),
    );
  },
});
