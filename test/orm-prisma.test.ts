/**
 * The Prisma example (examples/orm/prisma) through the CLI, as a user runs it: Prisma Client 7 on
 * node-postgres through @prisma/adapter-pg, on the suite's embedded PostgreSQL. upsert() with an
 * empty `update` is Prisma's select-then-insert in a transaction: explore shrinks its race to two
 * ops, in Prisma's own SQL, and counts the loser's P2002 as the unique violation it is. With
 * something to update, upsert() is one INSERT … ON CONFLICT, and the gate passes it as safe.
 *
 * The client is generated first (scripts/prisma-generate.mjs: offline, and only when stale).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from './cli-process.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const example = (name: string) => join(root, 'examples', 'orm', 'prisma', `${name}.race.ts`);
const db = () => ['--db', inject('embeddedUrl')];

/** Explore's printed interleaving, with Prisma's qualification by the run's schema dropped: `  w1 select(k0) → 0 rows  SELECT "profiles"…`. */
const interleaving = (stdout: string) =>
  stdout
    .split('\n')
    .filter((line) => /^ {2}w\d /.test(line))
    .map((line) => line.replace(/"racelab_\w+"\./g, ''));

let work: string;
beforeAll(() => {
  // A second or two when the client is current; about 3 s (up to 20 s on a loaded machine) to generate it.
  execFileSync(process.execPath, [join(root, 'scripts', 'prisma-generate.mjs')], { stdio: 'inherit' });
  work = mkdtempSync(join(tmpdir(), 'racelab-prisma-test-'));
}, 120_000);
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('Prisma upsert() through @prisma/adapter-pg', () => {
  it("explore shrinks upsert() with an empty update to 2 workers × 1 op, in Prisma's SQL, and counts the P2002 as a unique violation", async () => {
    // Chance of failing falsely: none measured. With --seed the search is deterministic; over 10
    // runs with random seeds (PostgreSQL 15) explore found the race within the first 2 inputs and
    // shrank it to 2 workers × 1 op every time, against --runs 50.
    const out = join(work, 'explore');
    const result = await runCli(['explore', example('upsert-empty-update'), ...db(), '--runs', '50', '--seed', '1', '--out', out]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^counterexample after \d+ inputs?, shrunk \d+ times? to 2 workers × 1 op, key space 1, autocommit:$/m);
    const lines = interleaving(result.stdout);
    const find = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line));
    // Prisma's fallback upsert: its transaction, a SELECT by the unique field, then the INSERT.
    const begins = [1, 2].map((w) => find(new RegExp(`^  w${w} begin\\(k0\\) → 0 rows  BEGIN$`)));
    const selects = [1, 2].map((w) => find(new RegExp(`^  w${w} select\\(k0\\) → 0 rows  SELECT "profiles"\\."id" FROM "profiles" WHERE \\("profiles"\\."user_id"`)));
    const inserts = [1, 2].map((w) => find(new RegExp(`^  w${w} insert\\(k0\\) .*INSERT INTO "profiles" \\("user_id","name"\\) VALUES \\(\\$1,\\$2\\) RETURNING "profiles"\\."id"$`)));
    expect([...begins, ...selects, ...inserts], lines.join('\n')).not.toContain(-1);
    // The race: both SELECTs found nothing before either INSERT.
    expect(Math.max(...selects)).toBeLessThan(Math.min(...inserts));
    // One insert wins, and says the id it returned; the other fails on the unique index, and its transaction rolls back.
    expect(lines.filter((line) => / insert\(k0\) → 1 row: id=\d+ /.test(line))).toHaveLength(1);
    expect(lines.some((line) => / insert\(k0\) (<\.\.\. completed> )?→ 23505 duplicate key value violates unique constraint "profiles_user_id_key"$/.test(line)), lines.join('\n')).toBe(true);
    expect(lines.some((line) => / rollback\(k0\) → 0 rows  ROLLBACK$/.test(line))).toBe(true);
    expect(result.stdout).toMatch(/^outcomes: w1 op1 (ok · w2 op1 integrity_error|integrity_error · w2 op1 ok)$/m);
    expect(result.stdout).toContain('verdict: reproduced (as expected: prisma-upsert-empty-update is expected unsafe)');
    // Prisma's P2002 keeps none of the driver's error (only meta.driverAdapterError.cause.originalCode
    // '23505'): racelab knows it by the op's last statement, the INSERT's 23505, and says how it was raised.
    const report = JSON.parse(readFileSync(join(out, 'latest', 'report.json'), 'utf8'));
    expect(report.counterexample.samples[0]).toMatchObject({
      outcome: 'integrity_error',
      error: { code: '23505', constraint: 'profiles_user_id_key', raisedAs: expect.stringMatching(/^PrismaClientKnownRequestError: /) },
    });
  });

  it('the gate passes upsert() with a non-empty update: one INSERT … ON CONFLICT DO UPDATE', async () => {
    // Chance of failing falsely: none measured in 10 runs on PostgreSQL 15 (each: 800 ops, 56 to 90
    // race windows, no violation; 25 inputs searched in 18 to 36 s on a loaded 2-core machine). A
    // safe scenario fails only on a violation or an error, and this one sends one statement per op,
    // which the unique index decides.
    const result = await runCli(['gate', '--scenario', example('upsert-fixed'), ...db(), '--ops', '200', '--explore-runs', '25', '--out', join(work, 'gate')]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^PASS prisma-upsert-fixed: expected safe, no violation in 800 ops/m);
    expect(result.stdout).toMatch(/^PASS search prisma-upsert-fixed: no counterexample in 25 inputs/m);
  });
});
