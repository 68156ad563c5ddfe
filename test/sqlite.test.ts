/**
 * The SQLite store (stores/sqlite/): the catalogue on a database file in a temporary directory,
 * SQLite's own errors classified, scenarios that need what SQLite lacks skipped, explore seeing a
 * step wait for the write lock, and `--db sqlite:PATH`. SQLite needs no server, so these run on
 * each driver this machine has (sqlite-driver.ts), the same tests on each, pinned by its word.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { classifyError } from '../harness/classify.ts';
import type { Database, StoreConnection } from '../harness/contract/store.ts';
import { processesMentioning, runCli, runningReproduce, startCli, within } from './cli-process.ts';
import { readReport } from './report-file.ts';
import { describeEachSqliteDriver, sqliteDirectoriesOf } from './sqlite-driver.ts';

describeEachSqliteDriver('the SQLite store', (driver, word) => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'racelab-sqlite-test-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('runs the catalogue: naive-save reproduces, atomic-create holds, the scenarios SQLite cannot run are skipped with its reason, and its directory goes', async () => {
    const out = join(work, 'all');
    // Both unsafe scenarios must reproduce. bench:odds measured, at 4×1000 K=64 over 10 runs, at
    // least 46 IntegrityErrors from naive-save and 33 from naive-upsert: P(either holds) < 2·e^-33 < 10^-13.
    const started = startCli(['reproduce', '--db', word, '--scenario', 'all', '--ops', '1000', '--seed', '7', '--out', out]);
    const result = await started.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/SQLITE_CONSTRAINT_PRIMARYKEY: UNIQUE constraint failed: django_session\.session_key/);
    expect(result.stdout).toContain('skipped select-for-update on SQLite: SQLite has no SELECT … FOR UPDATE');
    const report = readReport(out);
    expect(report.database).toMatchObject({ kind: 'embedded', product: 'SQLite', defaultIsolation: 'deferred', label: word });
    expect(report.database.reason).toBe(`--db ${word}: a file in a temporary directory, through ${driver}`);
    const verdicts = Object.fromEntries(report.scenarios.map((s: { name: string; verdict: string }) => [s.name, s.verdict]));
    expect(verdicts).toEqual({ 'naive-save': 'reproduced', 'naive-upsert': 'reproduced', 'serializable-save': 'holds', 'on-conflict': 'holds', 'atomic-create': 'holds' });
    expect(report.skipped.map((s: { name: string }) => s.name)).toEqual(['select-for-update', 'advisory-lock']);
    expect(report.config.isolation).toBe('deferred');
    const junit = readFileSync(join(out, 'latest', 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<testcase classname="racelab\.advisory-lock" name="advisory-lock" time="0\.000"><skipped message="SQLite has no advisory locks"\/>/);
    expect(sqliteDirectoriesOf(started.child.pid!)).toEqual([]);
  });

  it('gate on the whole catalogue gives a verdict: the search gets exactly the scenarios SQLite ran, by name', async () => {
    const out = join(work, 'gate');
    // naive-save and naive-upsert must reproduce under stress (an unsafe scenario the stress run
    // misses is searched, and the search may find it, but the lines below expect the stress run's
    // PASS): bench:odds measured at 4×1000 K=64 at least 46 and 33 IntegrityErrors, P(either holds) < 10^-13.
    const result = await runCli(['gate', '--db', word, '--ops', '1000', '--explore-runs', '10', '--seed', '7', '--out', out]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^PASS naive-save: expected unsafe, reproduced/m);
    // select-for-update and advisory-lock were skipped on SQLite, so never searched: the safe ones that ran are.
    const report = readReport(out);
    expect(report.searches.map((s: { scenario: string }) => s.scenario)).toEqual(['serializable-save', 'on-conflict', 'atomic-create']);
    expect(result.stdout).toMatch(/^PASS search atomic-create: no counterexample in 10 inputs/m);
    expect(result.stdout).toMatch(/^gate: PASS \(8 of 8 checks passed\)/m);
    expect(report.result.verdict).toBe('pass');
    const junit = readFileSync(join(out, 'latest', 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<testsuites name="racelab" tests="10" failures="0" errors="0" skipped="2"/);
  }, 120_000);

  it('classifies "database is locked": a write that waited out the busy timeout ends lock_timeout, not error', async () => {
    // Imported here: the file must load where the driver is missing, to be skipped.
    const [{ openSqliteDatabase }, { sqliteDriver }] = await Promise.all([import('../stores/sqlite/database.ts'), import('../stores/sqlite/drivers.ts')]);
    const database: Database = await openSqliteDatabase({ directory: true }, driver);
    let store: StoreConnection | undefined;
    try {
      const target = await database.createRunSchema('locked_test');
      const open = (await import(database.storeModule)).default;
      store = (await open(target)) as StoreConnection;
      // Another connection takes the write lock and keeps it past the store's 5 s busy timeout.
      const holder = sqliteDriver(driver).open(target.url, { busyTimeoutMs: 0 });
      holder.prepare('BEGIN IMMEDIATE').run([]);
      const started = performance.now();
      const error = await store.insert({ key: 'k', data: 'd', expireDate: new Date() }).then(() => undefined, (thrown: unknown) => thrown);
      const waitedMs = performance.now() - started;
      holder.prepare('ROLLBACK').run([]);
      holder.close();
      expect(error).toMatchObject({ code: 'SQLITE_BUSY', message: 'database is locked' });
      expect(classifyError(error)).toBe('lock_timeout');
      expect(waitedMs).toBeGreaterThanOrEqual(4_900);
    } finally {
      await store?.close();
      await database.stop();
    }
  });

  it('explore shrinks naive-save to the four-step interleaving, with SQLite\'s own error', async () => {
    const result = await runCli(['explore', 'naive-save', '--db', word, '--seed', '1', '--out', join(work, 'explore')]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /shrunk \d+ times? to 2 workers × 1 op, key space 1, autocommit:\n {2}w1 exists\(k0\) → false\n {2}w2 exists\(k0\) → false\n {2}w1 insert\(k0\) → ok\n {2}w2 insert\(k0\) → SQLITE_CONSTRAINT_PRIMARYKEY UNIQUE constraint failed: django_session\.session_key\n/,
    );
    expect(result.stdout).toContain(`--db ${word} --schedule "workers=2 ops=1 keys=1 isolation=def seed=0 order=1,2,1,2"`);
  });

  it('explore sees a step wait for the write lock: every interleaving of serializable-save ends, and none violates', async () => {
    const result = await runCli(['explore', 'serializable-save', '--db', word, '--exhaustive', '--out', join(work, 'exhaustive')]);
    expect(result.code, result.stderr).toBe(0);
    // The second INSERT waits for the first transaction's write lock, then is refused: its snapshot is stale.
    expect(result.stdout).toMatch(/w2 insert\(k0\) <waiting \.\.\.> · w1 commit → ok · w2 insert\(k0\) <\.\.\. completed> → SQLITE_BUSY_SNAPSHOT database is locked/);
    expect(result.stdout).toMatch(/\n50 interleavings of 2 workers × 1 op, key space 1, serializable: 0 violate the property\n/);
  });

  it('--db sqlite:PATH creates the file it names and removes it; a file that is not racelab\'s is refused and left as it was', async () => {
    const path = join(work, 'named.sqlite3');
    const ran = await runCli(['reproduce', '--db', `${word}:${path}`, '--scenario', 'atomic-create', '--ops', '50', '--out', join(work, 'named')]);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toContain('SQLite 3.');
    expect(existsSync(path)).toBe(false);

    const theirs = join(work, 'theirs.sqlite3');
    writeFileSync(theirs, 'somebody else\'s data');
    const refused = await runCli(['reproduce', '--db', `${word}:${theirs}`, '--out', join(work, 'theirs')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain('is not a database racelab made');
    expect(readFileSync(theirs, 'utf8')).toBe('somebody else\'s data');
  });

  it('Ctrl-C stops the run and removes its directory, exit 130', async () => {
    const { child, done } = await runningReproduce(word, join(work, 'interrupted'));
    expect(sqliteDirectoriesOf(child.pid!)).toHaveLength(1);
    child.kill('SIGINT');
    expect((await done).code).toBe(130);
    expect(sqliteDirectoriesOf(child.pid!)).toEqual([]);
  });

  it("after SIGKILL the directory's guardian removes it within seconds", async () => {
    const { child, done } = await runningReproduce(word, join(work, 'killed'));
    expect(sqliteDirectoriesOf(child.pid!)).toHaveLength(1);
    child.kill('SIGKILL');
    await done;
    expect(await within(10_000, () => sqliteDirectoriesOf(child.pid!).length === 0)).toBeLessThan(10_000);
  });

  it('racelab clean removes a run directory whose guardian was killed too, and says what it was', async () => {
    // A temp directory of its own: every run sweeps orphans from its temp directory when it starts.
    const own = mkdtempSync(join(tmpdir(), 'racelab-sqlite-orphans-'));
    const env = { TMPDIR: own };
    try {
      const { child, done } = await runningReproduce(word, join(work, 'orphaned'), env);
      const [dir] = sqliteDirectoriesOf(child.pid!, own);
      const guardian = processesMentioning(dir!).find((line) => line.includes('cluster-guardian'));
      expect(guardian).toBeDefined();
      process.kill(Number(guardian!.split(' ')[0]), 'SIGKILL');
      child.kill('SIGKILL');
      await done;
      expect(existsSync(join(own, dir!))).toBe(true);
      const clean = await runCli(['clean'], { env });
      expect(clean.code, clean.stderr).toBe(0);
      expect(clean.stdout).toContain(`removed SQLite run directory ${join(own, dir!)}`);
      expect(existsSync(join(own, dir!))).toBe(false);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });

  it('takes SQLite\'s transaction modes in place of isolation levels, and refuses a level it does not have', async () => {
    const refused = await runCli(['reproduce', '--db', word, '--isolation', 'read-committed', '--out', join(work, 'rc')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`--isolation read-committed is not offered by --db ${word}, which takes deferred, immediate`);
    const immediate = await runCli(['reproduce', '--db', word, '--isolation', 'immediate', '--scenario', 'serializable-save', '--ops', '50', '--out', join(work, 'imm')]);
    expect(immediate.code, immediate.stderr).toBe(0);
    expect(readReport(join(work, 'imm')).config.isolation).toBe('immediate');
  });
});
