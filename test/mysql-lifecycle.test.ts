/**
 * What the MySQL store creates and removes: a user's own database is left byte-for-byte as it
 * was, a killed run's databases are found and dropped by `racelab clean`, and a throwaway MariaDB
 * server goes with its directory on success, on Ctrl-C and after SIGKILL. Each test checks only
 * what it or its own racelab process made.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql, { createConnection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findServerBinaries, startThrowawayServer } from '../stores/mysql/throwaway.ts';
import { processesMentioning, runCli, runningReproduce, startCli, within } from './cli-process.ts';
import { databasesOf, describeMysql, expectedMysqlExit, throwawayDirsOf, withMysql } from './mysql-server.ts';
import { readReport } from './report-file.ts';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'racelab-mysql-lifecycle-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Everything a database holds, reduced to text: each table's definition and checksum, each view's. */
async function fingerprint(connection: mysql.Connection, database: string): Promise<string> {
  const [tables] = await connection.query('SELECT TABLE_NAME AS name, TABLE_TYPE AS type FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME', [database]);
  const parts: string[] = [];
  for (const { name, type } of tables as { name: string; type: string }[]) {
    const [[created]] = (await connection.query(`SHOW CREATE TABLE \`${database}\`.\`${name}\``)) as unknown as [Record<string, string>[]];
    parts.push(JSON.stringify(created));
    if (type === 'BASE TABLE') {
      const [[sum]] = (await connection.query(`CHECKSUM TABLE \`${database}\`.\`${name}\` EXTENDED`)) as unknown as [Record<string, unknown>[]];
      parts.push(String(sum!['Checksum']));
    }
  }
  const [routines] = await connection.query('SELECT ROUTINE_NAME, ROUTINE_DEFINITION FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? ORDER BY ROUTINE_NAME', [database]);
  return JSON.stringify([parts, routines]);
}

describeMysql('what the MySQL store touches', (url) => {
  it("a user's own django_session, view and function are byte-for-byte unchanged, and the run's databases are gone", async () => {
    // Not named racelab_…: that is the run namespaces' pattern, which racelab clean may drop.
    const name = `user_untouched_${process.pid}`;
    const userUrl = new URL(url);
    userUrl.pathname = `/${name}`;
    await withMysql(url, async (admin) => {
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.query(`CREATE DATABASE \`${name}\``);
      try {
        await admin.query(`CREATE TABLE \`${name}\`.django_session (session_key varchar(40) PRIMARY KEY, session_data longtext NOT NULL, expire_date datetime(6) NOT NULL)`);
        const rows = Array.from({ length: 50 }, (_, i) => [`user-session-${i}`, `data ${i}`, new Date(Date.UTC(2030, 0, 1, i))]);
        await admin.query(`INSERT INTO \`${name}\`.django_session VALUES ?`, [rows]);
        await admin.query(`CREATE VIEW \`${name}\`.live_sessions AS SELECT session_key FROM \`${name}\`.django_session WHERE expire_date > NOW()`);
        await admin.query(`CREATE FUNCTION \`${name}\`.count_sessions() RETURNS bigint READS SQL DATA RETURN (SELECT COUNT(*) FROM \`${name}\`.django_session)`);
        const before = await fingerprint(admin, name);

        const { child, done } = startCli(['reproduce', '--db', userUrl.toString(), '--scenario', 'all', '--ops', '100', '--key-space', '16', '--out', join(work, 'untouched')]);
        const result = await done;
        expect(result.code, result.stderr).toBe(expectedMysqlExit(readReport(join(work, 'untouched')).scenarios));

        expect(await fingerprint(admin, name)).toBe(before);
        expect(await databasesOf(url, child.pid!)).toEqual([]);
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      }
    });
  });

  it('Ctrl-C in the middle of a run on the server: exit 130, and the run database is dropped', async () => {
    const { child, done } = await runningReproduce(url, join(work, 'killed'));
    // Its database is made just after it says it runs the scenario (a CI run once looked between).
    expect(await within(10_000, async () => (await databasesOf(url, child.pid!)).length === 1)).toBeLessThan(10_000);
    child.kill('SIGINT');
    expect((await done).code).toBe(130);
    expect(await databasesOf(url, child.pid!)).toEqual([]);
  });

  it('racelab clean drops a run database nobody holds, and leaves one a live run holds', async () => {
    // Named as runs name theirs, with this process's tag, so that only this test's are looked at.
    const orphan = `racelab_mxtest_p${process.pid.toString(36)}_orphan`;
    const live = `racelab_mxtest_p${process.pid.toString(36)}_live`;
    await withMysql(url, async (admin) => {
      await withMysql(url, async (holder) => {
        for (const name of [orphan, live]) {
          await admin.query(`CREATE DATABASE IF NOT EXISTS \`${name}\``);
          await admin.query(`CREATE TABLE IF NOT EXISTS \`${name}\`.django_session (session_key varchar(40) PRIMARY KEY)`);
        }
        // What a live run's admin connection holds from creation to drop.
        await holder.query("SELECT GET_LOCK(CONCAT('racelab-run:', SHA1(?)), 0)", [live]);
        try {
          const dry = await runCli(['clean', '--db', url, '--dry-run']);
          expect(dry.code, dry.stderr).toBe(0);
          expect(dry.stdout).toContain(`would drop database ${orphan} on ${url}: no live run holds it`);
          expect(dry.stdout).not.toContain(live);
          const clean = await runCli(['clean', '--db', url]);
          expect(clean.code, clean.stderr).toBe(0);
          expect(clean.stdout).toContain(`dropped database ${orphan}`);
          const [rows] = await admin.query('SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?, ?)', [orphan, live]);
          expect((rows as { name: string }[]).map((row) => row.name)).toEqual([live]);
        } finally {
          for (const name of [orphan, live]) await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
        }
      });
    });
  });
});

/** What process `pid` left of throwaway servers: their directories, and any process running in one. */
function throwawayLeftovers(pid: number): string[] {
  const dirs = throwawayDirsOf(pid);
  return [...dirs, ...dirs.flatMap((dir) => processesMentioning(dir))];
}

const binaries = findServerBinaries();
describe.skipIf(binaries === undefined)('--db mariadb: a throwaway server from the machine’s binaries', () => {
  it('runs the ticket’s pair on it, says so in the report, and leaves neither its directory nor its server', async () => {
    const out = join(work, 'throwaway');
    const { child, done } = startCli(['reproduce', '--db', 'mariadb', '--ops', '100', '--out', out]);
    const result = await done;
    expect(result.code, result.stderr).toBe(expectedMysqlExit(readReport(out).scenarios));
    expect(readReport(out).database).toMatchObject({ kind: 'local', product: binaries!.product, reason: `--db mariadb: a throwaway server from ${binaries!.server}` });
    expect(throwawayLeftovers(child.pid!)).toEqual([]);
  });

  it('Ctrl-C stops it and removes its directory, exit 130', async () => {
    const { child, done } = await runningReproduce('mariadb', join(work, 'killed'));
    const [dir] = throwawayDirsOf(child.pid!);
    expect(processesMentioning(dir!).length).toBeGreaterThan(0);
    child.kill('SIGINT');
    expect((await done).code).toBe(130);
    expect(throwawayLeftovers(child.pid!)).toEqual([]);
  });

  it("after SIGKILL the directory's guardian stops the server and removes its directory within seconds", async () => {
    const { child, done } = await runningReproduce('mariadb', join(work, 'killed'));
    child.kill('SIGKILL');
    await done;
    expect(await within(15_000, () => throwawayLeftovers(child.pid!).length === 0)).toBeLessThan(15_000);
  });

  it('initialises once and keeps the result as a template; the next server is a copy, with its own root password', async () => {
    const env = { ...process.env, RACELAB_CACHE_DIR: join(work, 'template-cache') };
    const lines: string[] = [];
    const urls: string[] = [];
    for (const expected of ['initialised', 'template'] as const) {
      const instance = await startThrowawayServer(binaries!, undefined, { env, progress: (line) => lines.push(line) });
      try {
        expect(instance.dataFrom).toBe(expected);
        urls.push(instance.url);
        const connection = await createConnection(instance.url);
        try {
          const [rows] = await connection.query('SELECT CURRENT_USER() AS user');
          expect(rows).toEqual([{ user: 'root@localhost' }]);
        } finally {
          await connection.end();
        }
      } finally {
        await instance.stop();
      }
    }
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^${binaries!.product}: ran .* once and kept the result as a template in .*; the next start copies it$`))]);
    // The password is set at each start (--init-file), never kept in the template.
    expect(new URL(urls[0]!).password).not.toBe(new URL(urls[1]!).password);
    expect(throwawayLeftovers(process.pid)).toEqual([]);
  });
});

