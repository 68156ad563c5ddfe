/**
 * `npm run idioms` (scripts/orm-idioms.ts) on a small subset: Sequelize's findOrCreate without a
 * unique index, which explore must find racing at every isolation level, and knex's
 * onConflict().ignore(), which must hold; on the suite's embedded PostgreSQL, into a temporary
 * file whose table is checked against what is known. And its options: a bad one is one line that
 * names it, exit 2, with nothing run or written.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The command as `npm run idioms` runs it, minus the build the test run has done already. */
function idioms(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/orm-idioms.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'racelab-idioms-test-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm run idioms', () => {
  let table: string;
  let run: Awaited<ReturnType<typeof idioms>>;
  const RACY = 'sequelize-find-or-create-racy';
  const FIXED = 'knex-get-or-create-fixed';

  beforeAll(async () => {
    // Needs explore to find findOrCreate's race at each level within 10 inputs. Chance of failing
    // falsely: none seen. The runner passes a fixed --seed (1), so each cell replays the same
    // inputs every time; every race was found in each of this test's 4 runs here, the full table
    // (docs/orm-idioms.md, the same seed) found the race at every level on both databases, and 10
    // random seeds on MariaDB at read committed needed at most 4 inputs.
    run = await idioms(['--only', `sequelize/find-or-create-racy,knex/get-or-create-fixed`, '--runs', '10', '--db', inject('embeddedUrl'), '--out', join(work, 'idioms.md')]);
    table = existsSync(join(work, 'idioms.md')) ? readFileSync(join(work, 'idioms.md'), 'utf8') : '';
  }, 300_000);

  it('runs each idiom on the database, findOrCreate at each isolation level, and says so as it goes', () => {
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^orm-idioms: 2 idioms × PostgreSQL \d+(\.\d+)?: 4 explorations of up to 10 inputs$/m);
    for (const level of ['read-committed', 'repeatable-read', 'serializable']) {
      expect(run.stderr).toMatch(new RegExp(`^\\[\\d/4\\] ${RACY} · PostgreSQL [\\d.]+ · ${level}: RACE: `, 'm'));
    }
    expect(run.stderr).toMatch(new RegExp(`^\\[\\d/4\\] ${FIXED} · PostgreSQL [\\d.]+ · default level: atomic \\(`, 'm'));
    expect(run.stderr).toMatch(/^orm-idioms: wrote .*idioms\.md: 4 cells, 3 races, 1 atomic, 0 broken$/m);
  });

  it('writes the table: findOrCreate without a unique index races at every level, knex onConflict().ignore() is atomic', () => {
    expect(table).toMatch(/^\| ORM \| idiom \(scenario file\) \| PostgreSQL [\d.]+ \|$/m);
    expect(table).toContain(
      `| [${RACY}](#${RACY}) | RC **RACE**: duplicates · RR **RACE**: duplicates · SER **RACE**: 40001 serialization failure |`,
    );
    expect(table).toMatch(new RegExp(`^\\| knex [\\d.]+ \\| \\[${FIXED}\\]\\(#${FIXED}\\) \\| atomic \\|$`, 'm'));
    // Each cell in words: duplicates with no error at read committed and repeatable read; at
    // serializable PostgreSQL refuses the second COMMIT instead.
    expect(table).toMatch(/^\| PostgreSQL [\d.]+ \| read committed \| \*\*RACE\*\*: no error; audit: 2 profiles for user-[a-z0-9]{4}… \| unsafe, as measured \|$/m);
    expect(table).toMatch(/^\| PostgreSQL [\d.]+ \| repeatable read \| \*\*RACE\*\*: no error; audit: 2 profiles for user-[a-z0-9]{4}… \| unsafe, as measured \|$/m);
    expect(table).toMatch(/^\| PostgreSQL [\d.]+ \| serializable \| \*\*RACE\*\*: serialization failure 40001 \(raised as SequelizeDatabaseError\) to the caller \| unsafe, as measured \|$/m);
    expect(table).toMatch(/^\| PostgreSQL [\d.]+ \| default level \| atomic: 10 inputs, \d+ distinct interleavings \| safe, as measured \|$/m);
  });

  it('shows each race shrunk, in the ORM\'s own SQL, with the command that replays it', () => {
    expect(table).toMatch(/^PostgreSQL [\d.]+, read committed, repeatable read: shrunk to 2 workers × 1 op, key space 1 \(as it ran at read committed; the same at repeatable read\)$/m);
    expect(table).toContain('w1 select(k0) → 0 rows  SELECT "user_id", "name", "created_by" FROM "profiles" AS "Profile" WHERE "Profile"."user_id" = ');
    expect(table).toMatch(/^w2 create\(k0\) → 1 row {2}CREATE OR REPLACE FUNCTION pg_temp\.testfunc/m);
    expect(table).toMatch(/^w2 commit\(k0\) → 40001 could not serialize access/m);
    expect(table).toMatch(/^- read committed: `npx racelab explore examples\/orm\/sequelize\/find-or-create-racy\.race\.ts --db postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres --schedule "workers=2 ops=1 keys=1 isolation=rc seed=0 order=[\d,]+"`$/m);
    // The password of the URL given is not written into the table.
    expect(table).not.toContain(new URL(inject('embeddedUrl')).password || '\u0000');
  });

  it('names what it measured with: the command, racelab, the ORM and driver versions, the database', () => {
    const version = (name: string) => JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version as string;
    expect(table).toContain(`Regenerate: \`npm run idioms -- --only sequelize/find-or-create-racy,knex/get-or-create-fixed --runs 10 --db 'postgres://postgres:***@127.0.0.1:`);
    expect(table).toContain(`- packages (node_modules): knex ${version('knex')}, sequelize ${version('sequelize')}, pg ${version('pg')}, mysql2 ${version('mysql2')}`);
    expect(table).toMatch(/^- racelab \d+\.\d+\.\d+/m);
    expect(table).toMatch(/^- PostgreSQL [\d.]+( \(`[^`]+`\))?: --db postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres$/m);
  });
});

describe('npm run idioms: options', () => {
  it.each([
    [['--runz', '5'], 'orm-idioms: unknown option --runz (options: --db, --out, --runs, --seed, --only, --help)'],
    [['--runs', '0'], 'orm-idioms: --runs must be a whole number from 1 to 100000, got "0"'],
    [['--runs'], 'orm-idioms: --runs needs a value'],
    [['--db', 'oracle://x'], 'orm-idioms: --db takes embedded or a postgres://, mysql:// or mariadb:// URL, got "oracle://x"'],
    [['--only', 'hibernate'], 'orm-idioms: --only names "hibernate", which is no ORM directory or scenario file under examples/orm/'],
    [['--out', ''], 'orm-idioms: --out must name a file'],
  ])('%j is one line naming the option, exit 2, and nothing written', async (args, message) => {
    const out = join(work, 'never.md');
    const result = await idioms([...args, ...(args[0] === '--out' ? [] : ['--out', out])]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`${message}\n`);
    expect(existsSync(out)).toBe(false);
  });
});
