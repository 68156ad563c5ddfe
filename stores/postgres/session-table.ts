/**
 * The session table, shaped like Django's `django_session`, and the statements Django's ORM sends
 * for it. Every identifier is the run's checked schema, quoted; every value travels as a parameter.
 */
import { checkedNamespace } from '../shared/run-namespace.ts';

/** The schema as a quoted identifier, after checking it is one of ours. */
export function quoteSchema(schema: string): string {
  return quotedSchema(schema);
}

function quotedSchema(schema: string): string {
  return `"${checkedNamespace(schema)}"`;
}

function table(schema: string): string {
  return `${quotedSchema(schema)}."django_session"`;
}

export function createSchemaSql(schema: string): string {
  return `CREATE SCHEMA ${quotedSchema(schema)};
CREATE TABLE ${table(schema)} (
  "session_key" varchar(40) NOT NULL PRIMARY KEY,
  "session_data" text NOT NULL,
  "expire_date" timestamp with time zone NOT NULL
);
CREATE INDEX "django_session_expire_date" ON ${table(schema)} ("expire_date");`;
}

/** The run schema's tables, each as a quoted name: a scenario's own tables too. */
export function listTablesSql(schema: string): string {
  return `SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = ${literal(schema)}`;
}

/**
 * Empties `tables` (quoted names, from listTablesSql) in one round trip: DELETE rather than
 * TRUNCATE, which is slower on tables this small, and plain statements rather than a DO block that
 * looks the tables up, which cost 3 to 5 times as much on every run (the block is compiled anew,
 * the catalog read, each DELETE planned by EXECUTE).
 */
export function emptyTablesSql(schema: string, tables: readonly string[]): string {
  return tables.map((name) => `DELETE FROM ${quotedSchema(schema)}.${name}`).join(';\n');
}

/** A string literal of one of our schema names (checked, so it holds no quote). */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}


/**
 * The session-level advisory lock a run holds on its schema, on the connection that created it,
 * from creation to drop: how `racelab clean` tells a live run's schema from one whose process was
 * killed (the server releases the lock with the connection). Two int4 keys, a space apart from
 * the single bigint keys the scenarios' own advisory locks use.
 */
const RUN_LOCK_CLASS = 0x72616365; // 'race'
export const RUN_LOCK_SQL = {
  lock: `SELECT pg_advisory_lock(${RUN_LOCK_CLASS}, hashtext($1))`,
  tryLock: `SELECT pg_try_advisory_lock(${RUN_LOCK_CLASS}, hashtext($1)) AS locked`,
  unlock: `SELECT pg_advisory_unlock(${RUN_LOCK_CLASS}, hashtext($1))`,
} as const;

export function dropSchemaSql(schema: string): string {
  return `DROP SCHEMA IF EXISTS ${quotedSchema(schema)} CASCADE`;
}

/**
 * The statements, named so each connection prepares them once. Where Django sends the statement,
 * the comment names the call that sends it.
 */
export function sessionStatements(schema: string) {
  const t = table(schema);
  return {
    // SessionModel.objects.filter(session_key=key).exists()
    exists: { name: 'racelab_exists', text: `SELECT 1 AS "a" FROM ${t} WHERE "session_key" = $1 LIMIT 1` },
    // SessionModel.objects.select_for_update().filter(session_key=key).exists()
    existsForUpdate: {
      name: 'racelab_exists_for_update',
      text: `SELECT 1 AS "a" FROM ${t} WHERE "session_key" = $1 LIMIT 1 FOR UPDATE`,
    },
    // obj.save(force_insert=True), and the INSERT of Model.save() after an UPDATE that changed nothing
    insert: {
      name: 'racelab_insert',
      text: `INSERT INTO ${t} ("session_key", "session_data", "expire_date") VALUES ($1, $2, $3)`,
    },
    insertIfAbsent: {
      name: 'racelab_insert_if_absent',
      text: `INSERT INTO ${t} ("session_key", "session_data", "expire_date") VALUES ($1, $2, $3) ON CONFLICT ("session_key") DO NOTHING RETURNING "session_key"`,
    },
    // Model.save() on an instance with a primary key: UPDATE first
    update: {
      name: 'racelab_update',
      text: `UPDATE ${t} SET "session_data" = $2, "expire_date" = $3 WHERE "session_key" = $1`,
    },
    // Advisory locks are database-wide: the key is hashed with the run's schema, so that another
    // run on the same database never holds this run's locks.
    lockKey: { name: 'racelab_lock_key', text: `SELECT pg_advisory_xact_lock(hashtextextended('${schema}:' || $1, 0))` },
    read: {
      name: 'racelab_read',
      text: `SELECT "session_key", "session_data" FROM ${t} WHERE "session_key" = ANY($1::text[])`,
    },
    deleteOwned: {
      name: 'racelab_delete_owned',
      text: `DELETE FROM ${t} WHERE "session_key" = $1 AND "session_data" = $2`,
    },
  } as const;
}

/** BEGIN with the isolation level spelled as PostgreSQL wants it. */
export const BEGIN = {
  'read-committed': 'BEGIN ISOLATION LEVEL READ COMMITTED',
  'repeatable-read': 'BEGIN ISOLATION LEVEL REPEATABLE READ',
  serializable: 'BEGIN ISOLATION LEVEL SERIALIZABLE',
} as const;
