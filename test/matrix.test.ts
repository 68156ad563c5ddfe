/**
 * One run across databases (`--db a,b,c`): the database × scenario table in the terminal and in
 * every report, each database with its own expectation, and the gate's rules per database. The
 * list holds the oldest PostgreSQL npm has (12, fetched on first use), the suite's embedded
 * PostgreSQL (racelab's own major), SQLite, and the machine's PostgreSQL and MariaDB when they answer.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { runCli } from './cli-process.ts';
import { fixturePath } from './run.ts';
import { readReport } from './report-file.ts';
import { expectedMysqlExit } from './mysql-server.ts';
import { describeSqlite } from './sqlite-driver.ts';

describeSqlite('a list of databases', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'racelab-matrix-test-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const servers = () => [inject('embeddedUrl'), process.env['DATABASE_URL'], inject('mysqlUrl')].filter((url): url is string => !!url);

  it('reproduce prints the database × scenario table; naive-save reproduces on every database and atomic-create holds on every one but for InnoDB\'s own deadlock', async () => {
    const databases = ['embedded@12', ...servers(), 'sqlite'];
    const out = join(work, 'reproduce');
    // naive-save at 4×1000 K=64, over two bench:odds runs of 10 each: at least 59 IntegrityErrors
    // on PostgreSQL 12, 56 on the embedded 18, 34 on MariaDB 10.11, 46 on SQLite (the machine's
    // PostgreSQL 15 reproduces faster still, as docs/databases.md's table shows): holding by chance on
    // any of them has a probability below 5·e^-34 < 10^-13.
    // PostgreSQL 12 is fetched into this test's own cache, removed with its directory.
    const result = await runCli(['reproduce', '--db', databases.join(','), '--scenario', 'naive-save,atomic-create', '--ops', '1000', '--seed', '11', '--out', out], {
      env: { RACELAB_CACHE_DIR: join(work, 'cache') },
    });
    const report = readReport(out);
    // On MariaDB atomic-create may, rarely, meet InnoDB's deadlock between an expiry's DELETE and two
    // INSERTs of its key (expectedMysqlExit); every other database must give every verdict as declared.
    const mysql = inject('mysqlUrl');
    expect(report.scenarios.filter((s: { database: string; matchesExpectation: boolean }) => s.database !== mysql && !s.matchesExpectation)).toEqual([]);
    expect(result.code, result.stderr).toBe(expectedMysqlExit(report.scenarios.filter((s: { database: string }) => s.database === mysql)));
    expect(result.stdout).toMatch(/database\s+scenario\s+expected\s+isolation\s+verdict\s+violation rate \[95% CI\]\s+dominant violation/);
    expect(result.stdout).toMatch(/embedded@12\s+naive-save\s+unsafe\s+autocommit\s+reproduced \(as expected\)\s+\S+ \[\S+, \S+\]\s+IntegrityError/);
    expect(result.stdout).toMatch(/sqlite\s+atomic-create\s+safe\s+autocommit\s+holds \(as expected\)\s+0% \[0%, \S+\]\s+-/);
    expect(report.databases.map((db: { product: string }) => db.product)).toEqual(expect.arrayContaining(['PostgreSQL', 'SQLite']));
    expect(report.databases[0].version).toMatch(/^12\./);
    expect(report.matrix).toHaveLength(databases.length * 2);
    for (const cell of report.matrix) {
      if (cell.database === mysql && !cell.matchesExpectation) continue; // InnoDB's deadlock, checked above
      expect(cell.verdict, `${cell.scenario} on ${cell.database}`).toBe(cell.scenario === 'naive-save' ? 'reproduced' : 'holds');
      expect(cell.matchesExpectation).toBe(true);
    }
    expect(report.matrix.filter((cell: { dominantViolation: string }) => cell.dominantViolation === 'IntegrityError')).toHaveLength(databases.length);
    expect(report.scenarios.map((s: { database: string }) => s.database)).toEqual(databases.flatMap((db) => [db, db]).map((db) => db.replace(/\/\/([^:@/]+):[^@]+@/, '//$1:***@')));
    const markdown = readFileSync(join(out, 'latest', 'report.md'), 'utf8');
    expect(markdown).toMatch(/\| scenario \| PostgreSQL 12\.\S+ \(embedded@12\) \| .* \| SQLite 3\.\S+ \(sqlite\) \|/);
    expect(markdown).toMatch(/\| naive-save \| reproduced \(as expected\): \S+ \[\S+, \S+\], IntegrityError \|/);
    const junit = readFileSync(join(out, 'latest', 'junit.xml'), 'utf8');
    expect(junit.match(/<testcase /g)).toHaveLength(databases.length * 2);
    expect(junit).toContain('(expected unsafe) [sqlite]');
  });

  it('the gate passes across the table, each database searching what ran there, and fails one cell whose expectation is wrong while the others pass', async () => {
    // The whole catalogue's gate is gate.test.ts's on PostgreSQL and sqlite.test.ts's on SQLite;
    // here, what a list adds: per-database checks, and searches matched to the scenarios that ran
    // there by name (advisory-lock, expected safe, runs on PostgreSQL only; SQLite skips it).
    // naive-save must reproduce under stress on both: bench:odds measured at 4×1000 K=64, over 10
    // runs each, at least 56 IntegrityErrors on the embedded 18 and 46 on SQLite: P(either holds) < 2·e^-46 < 10^-19.
    const databases = [inject('embeddedUrl'), 'sqlite'].join(',');
    const gateOut = join(work, 'gate');
    const passing = await runCli(['gate', '--db', databases, '--scenario', 'naive-save,advisory-lock,atomic-create', '--ops', '1000', '--explore-runs', '10', '--seed', '11', '--out', gateOut]);
    expect(passing.code, passing.stdout + passing.stderr).toBe(0);
    expect(passing.stdout).toMatch(/^PASS naive-save on sqlite: expected unsafe, reproduced/m);
    expect(passing.stdout).toMatch(/^PASS naive-save on postgres:\/\/.*: expected unsafe, reproduced/m);
    expect(passing.stdout).toMatch(/^PASS search atomic-create on sqlite: no counterexample/m);
    expect(passing.stdout).toMatch(/^gate: PASS \(8 of 8 checks passed\)/m);
    // Each database's search gets the scenarios that ran there, matched by name: none SQLite skipped.
    const searched = readReport(gateOut).searches.map((s: { scenario: string; database: string }) => `${s.scenario} on ${s.database === 'sqlite' ? 'sqlite' : 'postgres'}`);
    expect(searched).toEqual(['advisory-lock on postgres', 'atomic-create on postgres', 'atomic-create on sqlite']);

    // One key, and ops that never check. With --occupancy 1 the first client keeps its session
    // alive, so its first op fails, or succeeds and its second fails: a violation on every database, certainly.
    const wrong = await runCli(['gate', '--db', databases, '--scenario', fixturePath('wrong-on-sqlite'), '--ops', '20', '--key-space', '1', '--occupancy', '1', '--explore-runs', '0', '--out', join(work, 'wrong')]);
    expect(wrong.code, wrong.stdout + wrong.stderr).toBe(1);
    expect(wrong.stdout).toMatch(/^PASS wrong-on-sqlite on postgres:\/\/.*: expected unsafe, reproduced/m);
    expect(wrong.stdout).toMatch(/^FAIL wrong-on-sqlite on sqlite: expected safe, but \d+ violations/m);
    expect(wrong.stdout).toContain('gate: FAIL (1 of 2 checks passed)');
  });
});
