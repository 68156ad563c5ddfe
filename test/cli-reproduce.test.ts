import { mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readReport } from './report-file.ts';
import { embeddedDirs, processesMentioning, runCli, startCli } from './cli-process.ts';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'racelab-cli-test-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Whatever a run created in the temp directory, and any server still running from it. */
function leftovers(before: Set<string>): string[] {
  const added = [...embeddedDirs()].filter((dir) => !before.has(dir));
  return [...added, ...added.flatMap((dir) => processesMentioning(dir))];
}

describe('racelab reproduce on an embedded PostgreSQL', () => {
  it('prints the side-by-side table and the first IntegrityError, writes report.json, exits 0 and leaves nothing behind', async () => {
    const before = embeddedDirs();
    const out = join(work, 'report');
    // A DOCKER_HOST that points nowhere: the auto rule must fall back to the embedded cluster.
    const result = await runCli(['reproduce', '--ops', '400', '--key-space', '16', '--seed', '11', '--out', out], {
      env: { DOCKER_HOST: 'tcp://127.0.0.1:1' },
    });
    expect(result.stderr).toContain('database: embedded (no container runtime answered (tcp://127.0.0.1:1: ECONNREFUSED))');
    expect(result.code).toBe(0);

    expect(result.stdout).toMatch(/naive-save\s+atomic-create/);
    expect(result.stdout).toMatch(/verdict\s+reproduced \(as expected\)\s+holds \(as expected\)/);
    expect(result.stdout).toContain('First IntegrityError, as PostgreSQL reported it');
    expect(result.stdout).toContain('SQLSTATE: 23505');
    expect(result.stdout).toMatch(/DETAIL: {2}Key \(session_key\)=\([a-z0-9]{32}\) already exists\./);
    expect(result.stdout).toContain('--seed 11');

    const report = readReport(out);
    expect(report.schemaVersion).toBe(1);
    expect(report.database.kind).toBe('embedded');
    expect(report.database.version).toMatch(/^\d+\.\d+/);
    expect(report.config).toMatchObject({ workers: 4, opsPerWorker: 400, keySpace: 16, occupancy: 0.25, seed: 11 });
    expect(report.scenarios.map((s: { name: string }) => s.name)).toEqual(['naive-save', 'atomic-create']);
    const [naive, atomic] = report.scenarios;
    expect(naive).toMatchObject({ expect: 'unsafe', ops: 1600, verdict: 'reproduced' });
    expect(naive.outcomes.integrity_error).toBeGreaterThan(0);
    expect(naive.rate.low).toBeGreaterThan(0);
    expect(naive.rate.low).toBeLessThanOrEqual(naive.rate.value);
    expect(naive.rate.high).toBeGreaterThanOrEqual(naive.rate.value);
    expect(atomic).toMatchObject({ expect: 'safe', ops: 1600, verdict: 'holds', rate: { value: 0, low: 0 } });
    expect(atomic.outcomes.integrity_error).toBe(0);

    expect(leftovers(before)).toEqual([]);
  });

  it('stops on Ctrl-C with exit 130, a partial report marked interrupted, and nothing left behind', async () => {
    const before = embeddedDirs();
    const out = join(work, 'interrupted');
    const { child, done } = startCli(['reproduce', '--db', 'embedded', '--ops', '1000000', '--out', out]);
    await new Promise<void>((resolve) => {
      child.stderr!.on('data', (chunk: Buffer) => chunk.toString().includes('running naive-save') && resolve());
    });
    // Long enough for the worker threads to load and pass the start barrier.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    child.kill('SIGINT');
    const result = await done;

    expect(result.code).toBe(130);
    const report = readReport(out);
    expect(report.interrupted).toBe(true);
    expect(report.scenarios).toHaveLength(1);
    expect(report.scenarios[0].ops).toBeGreaterThan(0);
    expect(report.scenarios[0].ops).toBeLessThan(4_000_000);
    expect(result.stdout).toContain('INTERRUPTED');
    expect(leftovers(before)).toEqual([]);
  });
});

describe('racelab reproduce when the database cannot be had', () => {
  it('--db docker without a container runtime: one line naming what was tried, exit 3', async () => {
    const result = await runCli(['reproduce', '--db', 'docker', '--out', join(work, 'never')], {
      env: { DOCKER_HOST: 'tcp://127.0.0.1:1' },
    });
    expect(result.code).toBe(3);
    expect(result.stderr.trim().split('\n')).toEqual([
      'racelab reproduce: database: --db docker: no container runtime answered (tried tcp://127.0.0.1:1: ECONNREFUSED); start Docker or Podman, or use --db embedded',
    ]);
    expect(existsSync(join(work, 'never'))).toBe(false);
  });

  it('a server that refuses: one line, exit 3, and the password never shown', async () => {
    const result = await runCli(['reproduce', '--db', 'postgres://racer:s3cret@127.0.0.1:1/x', '--out', join(work, 'never')]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('could not connect to postgres://racer:***@127.0.0.1:1/x');
    expect(result.stderr + result.stdout).not.toContain('s3cret');
    expect(result.stderr.trim().split('\n').filter((l) => l.startsWith('racelab'))).toHaveLength(1);
  });
});

describe('racelab usage errors: one line naming the option and the rule, exit 2, nothing created', () => {
  const cases: [string[], string][] = [
    [['reproduce', '--workers', '0'], '--workers must be a whole number from 1 to 64, got "0"'],
    [['reproduce', '--workers', 'four'], '--workers must be a whole number from 1 to 64, got "four"'],
    [['reproduce', '--ops', '1e12'], '--ops must be a whole number from 1 to 1,000,000, got "1e12"'],
    [['reproduce', '--key-space', '-1'], '--key-space must be a whole number from 1 to 1,000,000,000, got "-1"'],
    [['reproduce', '--occupancy', '2'], '--occupancy must be a number from 0 to 1, got "2"'],
    [['reproduce', '--max-attempts', '0'], '--max-attempts must be a whole number from 1 to 1,000,000, got "0"'],
    [['reproduce', '--seed', '4294967296'], '--seed must be a whole number from 0 to 4,294,967,295, got "4294967296"'],
    [
      ['reproduce', '--scenario', 'naive-sav'],
      '--scenario "naive-sav" is not one of naive-save, naive-upsert, select-for-update, serializable-save, on-conflict, advisory-lock, atomic-create (did you mean naive-save?)',
    ],
    [['reproduce', '--scenario', 'naive-save,naive-save'], '--scenario names a value twice: "naive-save,naive-save"'],
    [['reproduce', '--db', 'mysql://root@localhost/x'], '--db URL must start with postgres:// or postgresql://, got "mysql://…"'],
    [['reproduce', '--db', 'sqlite'], '--db must be auto, embedded, docker or a postgres:// URL, got "sqlite"'],
    [['reproduce', '--frobnicate'], 'unknown option --frobnicate (see racelab reproduce --help)'],
    [['reproduce', 'extra'], 'unexpected argument "extra" (see racelab reproduce --help)'],
    [['reproduce', '--workers'], '--workers needs a value (see racelab reproduce --help)'],
    [['reproduce', '--workers', '2', '--workers=3'], '--workers is given twice'],
    [['reproduce', '--occupancy=-0.5'], '--occupancy must be a number from 0 to 1, got "-0.5"'],
    [['reproduce', '--out', ''], '--out must not be empty'],
    [['reproduce', '--keys', 'long'], '--keys must be one of shrunk, django, same-seed, got "long"'],
    [['reproduce', '--keys', 'django', '--key-space', '16'], '--key-space applies only to --keys shrunk; --keys django draws from the real key space'],
    [['reproduce', '--keys', 'same-seed', '--occupancy', '0.5'], '--occupancy applies only to --keys shrunk; --keys same-seed draws from the real key space'],
    [['reproduce', '--isolation', 'serialisable'], '--isolation must be one of read-committed, repeatable-read, serializable, got "serialisable" (did you mean serializable?)'],
    [['reproduce', '--rate', '0'], '--rate must be a whole number from 1 to 1,000,000,000, got "0"'],
  ];
  it.each(cases)('%j', async (args, message) => {
    const result = await runCli(args, { cwd: work });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`racelab reproduce: ${message}\n`);
    expect(result.stdout).toBe('');
    expect(existsSync(join(work, 'racelab-report'))).toBe(false);
  });

  it('an --out that is a file', async () => {
    const file = join(work, 'a-file');
    writeFileSync(file, 'keep me');
    const result = await runCli(['reproduce', '--out', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`racelab reproduce: --out must be a directory, but ${file} is a file\n`);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
  });

  it('list: --db without --sql', async () => {
    const result = await runCli(['list', '--db', 'embedded']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('racelab list: --db goes with --sql NAME\n');
  });

  it('list: an unknown scenario for --sql', async () => {
    const result = await runCli(['list', '--sql', 'on-conflicts']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--sql "on-conflicts" is not one of');
    expect(result.stderr).toContain('(did you mean on-conflict?)');
  });

  it('an unknown command', async () => {
    const result = await runCli(['explode']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('racelab: unknown command "explode"; commands: reproduce, explore, gate, list\n');
  });
});
