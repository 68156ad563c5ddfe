/**
 * The same signup with a unique index: the database decides. An insert that loses the race fails
 * with a unique violation, which the application reports as "email taken", as it would for a
 * check that found it. No duplicate can exist, and no error reaches the user.
 */
import { defineScenario, isUniqueViolation } from 'racelab';

/** The email an op signs up, from the key it drew: a small key space makes few emails, so signups meet on one. */
const emailFor = (key: string) => `user-${key.slice(-4)}@example.com`;

export default defineScenario({
  name: 'signup-unique-index',
  expect: 'safe',
  why: 'a unique index makes the insert the real check, and its violation is handled as "email taken"',
  origin: 'Rails validates_uniqueness_of backed by add_index :users, :email, unique: true, rescuing ActiveRecord::RecordNotUnique',
  async setup(db) {
    await db.query('CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE, created_by text NOT NULL)');
  },
  // The reports name each key as the rows and the audit do: user-000g@example.com (k16).
  keyValue: emailFor,
  async op(ctx) {
    const email = emailFor(ctx.key());
    const taken = await ctx.step('check', () => ctx.db.query('SELECT 1 FROM users WHERE email = $1', [email]));
    if (taken.rowCount > 0) return;
    try {
      await ctx.step('insert', () => ctx.db.query('INSERT INTO users (email, created_by) VALUES ($1, $2)', [email, ctx.owner]));
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      ctx.retried(); // "email taken", decided by the index
    }
  },
  async audit(db) {
    const { rows } = await db.query<{ email: string }>('SELECT email FROM users GROUP BY email HAVING count(*) > 1');
    return rows.map((row) => ({ message: `more than one user has ${row.email}`, key: row.email }));
  },
});
