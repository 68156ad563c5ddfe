/**
 * The session table on SQLite, as Django's migration creates `django_session` there, and the
 * statements Django's ORM sends for it, in SQLite's dialect. A run's namespace is a database file
 * of its own, so the table is named bare; every value travels as a parameter.
 */

/** `PRAGMA application_id` of every file racelab creates ('race' in ASCII): how it tells its files from the user's. */
export const RACELAB_APPLICATION_ID = 0x72616365;

/**
 * How long a statement waits for the write lock before it fails with "database is locked":
 * Python's sqlite3 default, which Django keeps (`OPTIONS: {"timeout": 5}`).
 */
export const BUSY_TIMEOUT_MS = 5_000;

/**
 * What each of racelab's connections sets: a commit writes the WAL without waiting for the disk
 * (NORMAL), as WAL deployments run and as better-sqlite3 builds SQLite. node:sqlite's SQLite would
 * sync the WAL at every commit (FULL), so that each commit waits for the disk, which would change
 * a race's timing with the driver.
 */
export const CONNECTION_SQL = ['PRAGMA synchronous = NORMAL'];

/** The statements that make a fresh run file: WAL, as Django 5.1+ can configure and most deployments set, and Django's table. */
export const CREATE_SQL = [
  `PRAGMA application_id = ${RACELAB_APPLICATION_ID}`,
  'PRAGMA journal_mode = WAL',
  // Django 4.2's migration for SQLite.
  'CREATE TABLE "django_session" ("session_key" varchar(40) NOT NULL PRIMARY KEY, "session_data" text NOT NULL, "expire_date" datetime NOT NULL)',
  'CREATE INDEX "django_session_expire_date_a5c62663" ON "django_session" ("expire_date")',
];

const TABLE = '"django_session"';
const COLUMNS = '("session_key", "session_data", "expire_date")';

/** Where Django sends the statement, the comment names the call that sends it. */
export const SESSION_SQL = {
  // SessionModel.objects.filter(session_key=key).exists()
  exists: `SELECT 1 AS "a" FROM ${TABLE} WHERE "session_key" = ? LIMIT 1`,
  // obj.save(force_insert=True), and the INSERT of Model.save() after an UPDATE that matched nothing
  insert: `INSERT INTO ${TABLE} ${COLUMNS} VALUES (?, ?, ?)`,
  insertIfAbsent: `INSERT INTO ${TABLE} ${COLUMNS} VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
  // Model.save() on an instance with a primary key: UPDATE first
  update: `UPDATE ${TABLE} SET "session_data" = ?, "expire_date" = ? WHERE "session_key" = ?`,
  deleteOwned: `DELETE FROM ${TABLE} WHERE "session_key" = ? AND "session_data" = ?`,
} as const;

export function readSql(count: number): string {
  return `SELECT "session_key", "session_data" FROM ${TABLE} WHERE "session_key" IN (${Array.from({ length: count }, () => '?').join(', ')})`;
}

/** A datetime as Django stores it in SQLite's text column: `2026-11-30 12:00:00.000000`, UTC. */
export function sqliteDatetime(date: Date): string {
  return `${date.toISOString().slice(0, 23).replace('T', ' ')}000`;
}
