/**
 * Django's `QuerySet.get_or_create()`: get, else create; when the create hits the unique
 * constraint because another request created the row in between, get again. With the unique
 * constraint Django requires, every caller gets the one row and no error.
 */
import { defineScenario, isUniqueViolation } from 'racelab';

/** The tag an op gets or creates, from the key it drew: a small key space makes few tags, so requests meet on one. */
const slugFor = (key: string) => `tag-${key.slice(-4)}`;

export default defineScenario({
  name: 'get-or-create',
  expect: 'safe',
  why: 'the unique constraint catches the race and the IntegrityError is answered by a second get',
  origin: 'django/db/models/query.py: QuerySet.get_or_create() → _create_object_from_params(), which re-gets on IntegrityError',
  async setup(db) {
    await db.query('CREATE TABLE tags (id bigserial PRIMARY KEY, slug text NOT NULL UNIQUE, created_by text NOT NULL)');
  },
  // The reports name each key as the rows and the audit do: tag-000g (k16).
  keyValue: slugFor,
  async op(ctx) {
    const slug = slugFor(ctx.key());
    const get = () => ctx.step('get', () => ctx.db.query<{ id: string }>('SELECT id FROM tags WHERE slug = $1', [slug]));
    if ((await get()).rowCount > 0) return;
    try {
      await ctx.step('create', () => ctx.db.query('INSERT INTO tags (slug, created_by) VALUES ($1, $2)', [slug, ctx.owner]));
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      ctx.retried();
      // Django: "except IntegrityError: try: return self.get(**kwargs), False"
      if ((await get()).rowCount !== 1) throw new Error(`get_or_create: ${slug} neither created nor found`);
    }
  },
  async audit(db) {
    const { rows } = await db.query<{ slug: string }>('SELECT slug FROM tags GROUP BY slug HAVING count(*) > 1');
    return rows.map((row) => ({ message: `tag ${row.slug} exists more than once`, key: row.slug }));
  },
});
