/**
 * The MariaDB/MySQL server the suite runs its MySQL-store tests against (mysql-probe.ts finds it,
 * in the global setup). A machine without one skips those tests, and the suite says so once.
 */
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import mysql from 'mysql2/promise';
import { describe, inject } from 'vitest';
import { runIdTag } from '../harness/run-id.ts';
import { connectionOptions } from '../stores/mysql/connection-options.ts';
import { THROWAWAY_MARIADB_PREFIX } from '../stores/shared/server-directories.ts';

/** Declares `body` for the suite's MariaDB/MySQL server, skipped when none answered. */
export function describeMysql(title: string, body: (url: string) => void): void {
  const url = inject('mysqlUrl');
  describe.skipIf(url === '')(`${title} · MariaDB/MySQL`, () => body(url));
}

/** Runs `fn` on a connection to the server at `url`, and closes it. */
export async function withMysql<T>(url: string, fn: (connection: mysql.Connection) => Promise<T>): Promise<T> {
  const connection = await mysql.createConnection(connectionOptions(url));
  try {
    return await fn(connection);
  } finally {
    await connection.end();
  }
}

/** The run databases that process `pid` created on the server at `url` and that still exist. */
export function databasesOf(url: string, pid: number): Promise<string[]> {
  return withMysql(url, async (connection) => {
    const [rows] = await connection.query("SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'racelab\\_%' AND LOCATE(?, SCHEMA_NAME) > 0", [runIdTag(pid)]);
    return (rows as { name: string }[]).map((row) => row.name);
  });
}

/** The throwaway servers' directories (names in the temp directory) that process `pid` made and left. */
export function throwawayDirsOf(pid: number, parent = tmpdir()): string[] {
  return readdirSync(parent).filter((name) => name.startsWith(`${THROWAWAY_MARIADB_PREFIX}p${pid.toString(36)}-`));
}
