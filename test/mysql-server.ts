/**
 * The MariaDB/MySQL server the suite runs its MySQL-store tests against (mysql-probe.ts finds it,
 * in the global setup). A machine without one skips those tests, and the suite says so once.
 */
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import mysql from 'mysql2/promise';
import { describe, expect, inject } from 'vitest';
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

/** A scenario as report.json gives it, as far as the verdict goes. */
export interface ScenarioVerdict {
  name: string;
  matchesExpectation: boolean;
  violations: number;
  outcomes: Record<string, number>;
}

/**
 * The exit code a run on MariaDB/MySQL must end with: 0, or 1 when its only mismatches are
 * atomic-create refused by InnoDB as a deadlock (1213), and nothing else. InnoDB refuses one of two
 * INSERTs of a key whose row a third connection is deleting, and Django's create() does not retry
 * that (docs/databases.md, "Databases: what differs and why"): real, and rare enough that a run seldom shows
 * it, so a test of the catalogue's verdicts on MySQL accepts exactly that.
 */
export function expectedMysqlExit(scenarios: readonly ScenarioVerdict[]): number {
  const mismatched = scenarios.filter((s) => !s.matchesExpectation);
  for (const s of mismatched) {
    expect(s.name === 'atomic-create' && s.violations === s.outcomes['deadlock'], `${s.name} not as expected: ${JSON.stringify(s.outcomes)}`).toBe(true);
  }
  return mismatched.length === 0 ? 0 : 1;
}
