/**
 * The ORM examples (examples/orm/typeorm, examples/orm/sequelize) through the CLI, as a user runs
 * them: Sequelize's findOrCreate on MariaDB/MySQL (skipped, with the reason, when none answers)
 * and a TypeORM repository on the suite's embedded PostgreSQL. For each: explore finds the
 * duplicate and shrinks it to its two-op race, printed in the ORM's own SQL; with the unique key,
 * reproduce shows what the loser gets (TypeORM: the database's unique violation through
 * QueryFailedError, counted as an IntegrityError; Sequelize: nothing at read committed, a masked
 * deadlock at serializable); the racy file declared safe fails the gate; the fixed one passes it.
 *
 * The CLI runs go two at a time (the machine has two cores, and the databases need their share).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCliTwoAtATime } from './cli-process.ts';
import { probeMysql } from './mysql-probe.ts';
import { readReport } from './report-file.ts';

const example = (path: string) => fileURLToPath(new URL(`../examples/orm/${path}.race.ts`, import.meta.url));
const FIND_OR_CREATE_RACY = example('sequelize/find-or-create-racy');
const FIND_OR_CREATE_UNIQUE = example('sequelize/find-or-create-unique');
const SEQUELIZE_UPSERT = example('sequelize/upsert-fixed');
const SAVE_RACY = example('typeorm/save-racy');
const SAVE_RACY_UNIQUE = example('typeorm/save-racy-unique');
const TYPEORM_UPSERT = example('typeorm/upsert-fixed');

/**
 * Profiles are never deleted, so only the first op on a user can race, and with the default
 * shrunk keys (64 users) a run of 300 ops per worker races a few dozen times at most: measured 1
 * to 6 IntegrityErrors in 5 runs of save-racy-unique. `--keys same-seed` seeds every worker's key
 * generator alike, so each op is a new user that all four workers create at the same moment: the
 * contention of a double-submitted signup form, on every op.
 */
const SAME_USER = ['--keys', 'same-seed'] as const;

/** A fixed seed: explore is deterministic given it, so the printed interleaving is always the same. */
const SEED = ['--seed', '7'] as const;

/** The explore run's report.json (its own schema: reports/explore-report.schema.json). */
const exploreReport = (out: string) => JSON.parse(readFileSync(join(out, 'latest', 'report.json'), 'utf8'));

/** The lines of explore's printed interleaving: `  w1 select(k0) → 0 rows  SELECT …`. */
const interleaving = (stdout: string) => stdout.split('\n').filter((line) => /^ {2}w\d /.test(line));
const indexOf = (lines: string[], pattern: RegExp) => lines.findIndex((line) => pattern.test(line));

/** A test's own time plus its wait for a turn among the others: see runCli(). */
const TIMEOUT = 240_000;

/** At most two CLI runs at a time; the rest wait their turn. */
const runCli = runCliTwoAtATime();

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'racelab-orm-test-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));
const out = (name: string) => join(work, name);

const mysqlUrl = inject('mysqlUrl');
const noMysql = mysqlUrl === '' ? (await probeMysql()).why : '';

describe.concurrent('the ORM examples', () => {
  describe.skipIf(mysqlUrl === '')(`Sequelize findOrCreate on MariaDB/MySQL${noMysql === '' ? '' : ` (skipped: ${noMysql})`}`, () => {
    const db = () => ['--db', mysqlUrl];

    it('explore finds the duplicate a unique-less findOrCreate makes and shrinks it to 2 workers × 1 op, in Sequelize\'s SQL', async () => {
      // Chance of failing falsely: none seen. With --seed the run is deterministic; over 10 runs
      // with random seeds, explore found the duplicate within the first 4 inputs (5 at the first)
      // and shrank it to 2 workers × 1 op every time, against --runs 50: at the measured rate a
      // miss of all 50 inputs is below 10^-15.
      // READ COMMITTED only: at SERIALIZABLE, MariaDB turns this race into a deadlock that
      // Sequelize masks (see the serializable test below), which explore reports as broken.
      const result = await runCli(['explore', FIND_OR_CREATE_RACY, ...db(), '--isolation', 'read-committed', '--runs', '50', ...SEED, '--out', out('sequelize-explore')]);
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^counterexample after \d+ inputs?, shrunk \d+ times? to 2 workers × 1 op, key space 1, read-committed:$/m);
      const lines = interleaving(result.stdout);
      // findOrCreate as Sequelize sends it to MariaDB: its transaction, the SELECT, the INSERT, the COMMIT.
      expect(lines).toContain('  w1 set(k0) → 0 rows  SET TRANSACTION ISOLATION LEVEL READ COMMITTED;');
      expect(lines).toContain('  w2 start(k0) → 0 rows  START TRANSACTION;');
      const selects = [1, 2].map((w) => indexOf(lines, new RegExp(`^  w${w} select\\(k0\\) → 0 rows  SELECT \`user_id\`, \`name\`, \`created_by\` FROM \`profiles\` AS \`Profile\` WHERE \`Profile\`\\.\`user_id\` = 'user-`)));
      const inserts = [1, 2].map((w) => indexOf(lines, new RegExp(`^  w${w} insert\\(k0\\) → 1 row  INSERT INTO \`profiles\` \\(\`user_id\`,\`name\`,\`created_by\`\\) VALUES \\(\\?,\\?,\\?\\);$`)));
      expect([...selects, ...inserts], lines.join('\n')).not.toContain(-1);
      // The race itself: both SELECTs found nothing before either INSERT.
      expect(Math.max(...selects)).toBeLessThan(Math.min(...inserts));
      expect(lines.filter((line) => / commit\(k0\) → 0 rows {2}COMMIT;$/.test(line))).toHaveLength(2);
      expect(result.stdout).toMatch(/^outcomes: w1 op1 ok · w2 op1 ok · audit: 2 profiles for user-[a-z0-9]+ \(created by w1:op1, w2:op1\)$/m);
      expect(exploreReport(out('sequelize-explore')).counterexample.input).toMatchObject({ workers: 2, opsPerWorker: 1, keySpace: 1, isolation: 'read-committed' });
    }, TIMEOUT);

    it('with the unique key, reproduce shows findOrCreate absorbing the 1062 at read committed: holds, no error reaches the caller', async () => {
      // Needs race windows, or the verdict is "no evidence": with every worker creating the same
      // user at once (--keys same-seed), 5 runs measured 900 to 1,072 windows in 1,200 ops.
      const result = await runCli(['reproduce', '--scenario', FIND_OR_CREATE_UNIQUE, ...db(), '--ops', '300', ...SAME_USER, '--out', out('sequelize-unique')]);
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^verdict +holds \(as expected\)$/m);
      const [scenario] = readReport(out('sequelize-unique')).scenarios;
      expect(scenario).toMatchObject({ name: 'sequelize-find-or-create-unique', verdict: 'holds', isolation: 'read-committed' });
      expect(scenario.outcomes).toMatchObject({ ok: 1200, integrity_error: 0, error: 0, invariant_violated: 0 });
      expect(scenario.windows).toBeGreaterThan(100);
    }, TIMEOUT);

    it('with the unique key at serializable, reproduce counts the deadlock Sequelize hides behind an error of its own', async () => {
      // Needs the deadlock at least once: 5 runs at this size measured 272 to 350 ops that got it.
      const result = await runCli(['reproduce', '--scenario', FIND_OR_CREATE_UNIQUE, ...db(), '--ops', '300', ...SAME_USER, '--isolation', 'serializable', '--out', out('sequelize-serializable')]);
      // The file declares it unsafe at serializable on MariaDB/MySQL: reproduced as expected.
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^verdict +reproduced \(as expected\)$/m);
      expect(result.stdout).toContain('ERROR 1213 (40001): Deadlock found when trying to get lock');
      expect(result.stdout).toContain('raised to the op as: Error: Transaction cannot be committed because it has been finished with state: rollback');
      const [scenario] = readReport(out('sequelize-serializable')).scenarios;
      expect(scenario.outcomes.deadlock).toBeGreaterThan(0);
      expect(scenario.outcomes).toMatchObject({ integrity_error: 0, error: 0, invariant_violated: 0 });
      // What the application got: Sequelize rolled back on the 1213, then findOrCreate's `finally`
      // called commit(). The error carries no code; racelab knows the op by its INSERT's failure.
      expect(scenario.firstLoudViolation.error).toMatchObject({
        code: '1213',
        raisedAs: 'Error: Transaction cannot be committed because it has been finished with state: rollback',
      });
    }, TIMEOUT);

    it('the gate fails findOrCreate without a unique index when it is declared safe', async () => {
      // Needs the duplicate in the stress run (the search is off: the stress run alone decides):
      // with every worker creating the same user at once, 4 runs measured 286 to 380 duplicate
      // profiles in 1,200 ops; a run with none has never been seen.
      const result = await runCli(['gate', '--scenario', FIND_OR_CREATE_RACY, ...db(), '--expect', 'sequelize-find-or-create-racy=safe', '--ops', '300', ...SAME_USER, '--explore-runs', '0', '--out', out('sequelize-gate')]);
      expect(result.code, result.stdout + result.stderr).toBe(1);
      expect(result.stdout).toMatch(/^FAIL sequelize-find-or-create-racy: declared safe with --expect, but reproduced/m);
      expect(result.stdout).toMatch(/^gate: FAIL/m);
    }, TIMEOUT);

    it('the fixed one, upsert, passes the gate: stress run and search', async () => {
      // Fails falsely only when the stress run opens no race window (no evidence): 4 gate runs at
      // this size measured 66 to 84. The search holds or fails whatever its seed: upsert is one
      // statement, with nothing to interleave inside it.
      const result = await runCli(['gate', '--scenario', SEQUELIZE_UPSERT, ...db(), '--ops', '200', '--explore-runs', '25', '--out', out('sequelize-fixed')]);
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^PASS sequelize-upsert-fixed: expected safe, no violation in 800 ops/m);
      expect(result.stdout).toMatch(/^PASS search sequelize-upsert-fixed: no counterexample in 25 inputs/m);
    }, TIMEOUT);
  });

  describe('a TypeORM repository on PostgreSQL (embedded)', () => {
    const db = () => ['--db', inject('embeddedUrl')];

    it('explore finds the duplicate save() makes on a table without a key and shrinks it to 2 workers × 1 op, in TypeORM\'s SQL', async () => {
      // Chance of failing falsely: none seen. With --seed the run is deterministic; over 10 runs
      // with random seeds (read committed), explore found the duplicate within the first 3 inputs
      // (7 at the first) and shrank it to 2 workers × 1 op every time, against --runs 50. save()
      // races at every level (docs/orm-idioms.md), so the level explore draws does not matter.
      const result = await runCli(['explore', SAVE_RACY, ...db(), '--runs', '50', ...SEED, '--out', out('typeorm-explore')]);
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^counterexample after \d+ inputs?, shrunk \d+ times? to 2 workers × 1 op, key space 1, [a-z-]+:$/m);
      const lines = interleaving(result.stdout);
      // save(): the SELECT by primary key first, outside any transaction; then its transaction around the INSERT.
      const selects = [1, 2].map((w) => indexOf(lines, new RegExp(`^  w${w} select\\(k0\\) → 0 rows  SELECT "Profile"\\."user_id" AS "Profile_user_id", "Profile"\\."name" AS "Profile_name"`)));
      const starts = [1, 2].map((w) => indexOf(lines, new RegExp(`^  w${w} start\\(k0\\) → 0 rows  START TRANSACTION$`)));
      const inserts = [1, 2].map((w) => indexOf(lines, new RegExp(`^  w${w} insert\\(k0\\) → 1 row  INSERT INTO "profiles"\\("user_id", "name", "created_by"\\) VALUES \\(\\$1, \\$2, \\$3\\)$`)));
      expect([...selects, ...starts, ...inserts], lines.join('\n')).not.toContain(-1);
      for (const w of [0, 1]) expect(selects[w]).toBeLessThan(starts[w]!);
      expect(Math.max(...selects)).toBeLessThan(Math.min(...inserts));
      expect(result.stdout).toMatch(/^outcomes: w1 op1 ok · w2 op1 ok · audit: 2 profiles for user-[a-z0-9]+ \(created by w1:op1, w2:op1\)$/m);
      expect(exploreReport(out('typeorm-explore')).counterexample.input).toMatchObject({ workers: 2, opsPerWorker: 1, keySpace: 1 });
    }, TIMEOUT);

    it('with the primary key, reproduce counts the QueryFailedError around 23505 as an IntegrityError, not a broken run', async () => {
      // Needs the race in the run: with every worker creating the same user at once, 3 runs
      // measured 724 to 791 IntegrityErrors in 1,200 ops.
      const result = await runCli(['reproduce', '--scenario', SAVE_RACY_UNIQUE, ...db(), '--ops', '300', ...SAME_USER, '--out', out('typeorm-unique')]);
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^verdict +reproduced \(as expected\)$/m);
      expect(result.stdout).toContain('First IntegrityError, as PostgreSQL reported it (typeorm-save-racy-unique');
      expect(result.stdout).toContain('SQLSTATE: 23505');
      expect(result.stdout).toMatch(/DETAIL: {2}Key \(user_id\)=\(user-[a-z0-9]+\) already exists\./);
      const [scenario] = readReport(out('typeorm-unique')).scenarios;
      expect(scenario).toMatchObject({ name: 'typeorm-save-racy-unique', verdict: 'reproduced', matchesExpectation: true });
      expect(scenario.outcomes.integrity_error).toBeGreaterThan(0);
      // Every failure is the unique violation: none is an unclassified error or a lost connection.
      expect(scenario.outcomes).toMatchObject({ error: 0, indeterminate: 0, invariant_violated: 0 });
    }, TIMEOUT);

    it('the gate fails save() without a key when it is declared safe', async () => {
      // Needs the duplicate in the stress run (the search is off: the stress run alone decides):
      // 3 runs at this size measured 675 to 731 duplicate profiles in 1,200 ops.
      const result = await runCli(['gate', '--scenario', SAVE_RACY, ...db(), '--expect', 'typeorm-save-racy=safe', '--ops', '300', ...SAME_USER, '--explore-runs', '0', '--out', out('typeorm-gate')]);
      expect(result.code, result.stdout + result.stderr).toBe(1);
      expect(result.stdout).toMatch(/^FAIL typeorm-save-racy: declared safe with --expect, but reproduced/m);
      expect(result.stdout).toMatch(/^gate: FAIL/m);
    }, TIMEOUT);

    it('the fixed one, upsert, passes the gate: stress run and search', async () => {
      // Fails falsely only when the stress run opens no race window (no evidence): 4 gate runs at
      // this size measured 62 to 82.
      const result = await runCli(['gate', '--scenario', TYPEORM_UPSERT, ...db(), '--ops', '200', '--explore-runs', '25', '--out', out('typeorm-fixed')]);
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^PASS typeorm-upsert-fixed: expected safe, no violation in 800 ops/m);
      expect(result.stdout).toMatch(/^PASS search typeorm-upsert-fixed: no counterexample in 25 inputs/m);
    }, TIMEOUT);
  });
});
