/**
 * The session table on MySQL/MariaDB, as Django's migration creates `django_session` there, and
 * the statements Django's ORM sends for it, in MySQL's dialect. Every identifier is the run's
 * checked database name, quoted; every value travels as a parameter.
 */
import type { SqlIsolation } from '../shared/sql-isolation.ts';
import { checkedNamespace } from '../shared/run-namespace.ts';

/** The run's database as a quoted identifier, after checking it is one of ours. */
export function quoteDatabase(database: string): string {
  return `\`${checkedNamespace(database)}\``;
}

/** The statements that create a run's database and its session table, one statement each. */
export function createDatabaseSql(database: string): string[] {
  const db = quoteDatabase(database);
  return [
    `CREATE DATABASE ${db} CHARACTER SET utf8mb4`,
    // Django 4.2's migration for MySQL: longtext for TextField, datetime(6) for DateTimeField.
    `CREATE TABLE ${db}.\`django_session\` (
  \`session_key\` varchar(40) NOT NULL PRIMARY KEY,
  \`session_data\` longtext NOT NULL,
  \`expire_date\` datetime(6) NOT NULL
) ENGINE=InnoDB`,
    `CREATE INDEX \`django_session_expire_date_a5c62663\` ON ${db}.\`django_session\` (\`expire_date\`)`,
  ];
}

export function dropDatabaseSql(database: string): string {
  return `DROP DATABASE IF EXISTS ${quoteDatabase(database)}`;
}

/**
 * The name of the server-wide lock a run holds on its database, on the connection that created
 * it, from creation to drop: how `racelab clean` tells a live run's database from one whose
 * process was killed (the server releases the lock with the connection). A hash, since lock names
 * are at most 64 characters.
 */
export const RUN_LOCK_NAME_SQL = `CONCAT('racelab-run:', SHA1(?))`;

const TABLE = '`django_session`';
const COLUMNS = '(`session_key`, `session_data`, `expire_date`)';

/**
 * The statements, prepared once per connection (mysql2's `execute`). Where Django sends the
 * statement, the comment names the call that sends it. Each connection's database is the run's,
 * so the table is named bare.
 */
export const SESSION_SQL = {
  // SessionModel.objects.filter(session_key=key).exists()
  exists: `SELECT 1 AS \`a\` FROM ${TABLE} WHERE \`session_key\` = ? LIMIT 1`,
  // SessionModel.objects.select_for_update().filter(session_key=key).exists()
  existsForUpdate: `SELECT 1 AS \`a\` FROM ${TABLE} WHERE \`session_key\` = ? LIMIT 1 FOR UPDATE`,
  // obj.save(force_insert=True), and the INSERT of Model.save() after an UPDATE that matched nothing
  insert: `INSERT INTO ${TABLE} ${COLUMNS} VALUES (?, ?, ?)`,
  // With FOUND_ROWS (Django's flag) the affected rows of a duplicate left as it was is 1, as for a
  // new row, so the duplicate branch marks itself instead: LAST_INSERT_ID(1) sets the insert id
  // of the statement's OK packet, which is 0 for a table without AUTO_INCREMENT. The row is not changed.
  insertIfAbsent: `INSERT INTO ${TABLE} ${COLUMNS} VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE \`session_key\` = IF(LAST_INSERT_ID(1), \`session_key\`, \`session_key\`)`,
  // Model.save() on an instance with a primary key: UPDATE first
  update: `UPDATE ${TABLE} SET \`session_data\` = ?, \`expire_date\` = ? WHERE \`session_key\` = ?`,
  // GET_LOCK's names are server-wide: the key is hashed with the run's database, so another run
  // on the same server never holds this run's locks. Waits as long as the op may (the harness's
  // op timeout ends it first).
  lockKey: `SELECT GET_LOCK(SHA1(CONCAT(DATABASE(), ':', ?)), 86400) AS \`locked\``,
  releaseLocks: 'SELECT RELEASE_ALL_LOCKS()',
  deleteOwned: `DELETE FROM ${TABLE} WHERE \`session_key\` = ? AND \`session_data\` = ?`,
} as const;

/** The read of many keys: one placeholder per key, so the statement is prepared once per count. */
export function readSql(count: number): string {
  return `SELECT \`session_key\`, \`session_data\` FROM ${TABLE} WHERE \`session_key\` IN (${Array.from({ length: count }, () => '?').join(', ')})`;
}

/** The level of the next transaction, spelled as MySQL wants it; START TRANSACTION follows. */
export const SET_ISOLATION = {
  'read-committed': 'SET TRANSACTION ISOLATION LEVEL READ COMMITTED',
  'repeatable-read': 'SET TRANSACTION ISOLATION LEVEL REPEATABLE READ',
  serializable: 'SET TRANSACTION ISOLATION LEVEL SERIALIZABLE',
} as const satisfies Record<SqlIsolation, string>;
