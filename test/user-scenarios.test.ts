import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectRaceFree, race, RaceError, RaceFoundError } from '../api/index.ts';
import uniqueIndexSignup from '../examples/signup-unique-index.race.ts';
import { runCli } from './cli-process.ts';
import { readReport } from './report-file.ts';

const example = (name: string) => new URL(`../examples/${name}.race.ts`, import.meta.url);
const bad = (name: string) => `./test/fixtures/bad/${name}.race.ts`;
/** Many workers starting together on few emails: checks that pass together, if the code lets them. */
const contended = () => ({ db: inject('embeddedUrl'), workers: 8, keySpace: 8, ops: 25, seed: 1 });
/**
 * The signup race as a test can count on it: the example with 20 ms of work between check and
 * insert (fixtures/signup-think-time.race.ts), 8 workers on 4 emails. The start barrier releases
 * them together and a check takes about a millisecond, so all 8 first checks pass before any
 * insert, and 8 signups on 4 emails leave at least 4 duplicates: measured 4 to 13 in 20 runs
 * (bench/race-test-odds.ts). A miss needs the first checks spread over more than 20 ms. The example
 * as it is duplicates only 0 to 7 users at this size, too few to assert on.
 */
const thinkTime = new URL('./fixtures/signup-think-time.race.ts', import.meta.url);
const pigeonholed = () => ({ ...contended(), keySpace: 4 });

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'racelab-user-scenarios-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the library API on the examples', () => {
  it('race(): signup without a unique index makes duplicate users, found only by its audit', async () => {
    const report = await race(thinkTime, pigeonholed());
    const [result] = report.scenarios;
    expect(result).toMatchObject({ name: 'signup-think-time', verdict: 'reproduced', matchesExpectation: true, loudViolations: 0 });
    expect(result!.outcomes.invariant_violated).toBeGreaterThanOrEqual(4);
    expect(result!.outcomes.integrity_error + result!.outcomes.error).toBe(0); // no error was ever raised
    expect(result!.invariantProblems[0]!.message).toMatch(/^\d users share user-[a-z0-9]{4}@example\.com \(created by w\d+:op\d+, w\d+:op\d+/);
    // The timeline of the ops a problem names names their key by the scenario's own value: the email the problem names.
    const problem = result!.invariantProblems.find((p) => p.timeline);
    expect(problem?.timeline?.length).toBeGreaterThanOrEqual(4);
    expect(new Set(problem!.timeline!.map((entry) => entry.keyValue))).toEqual(new Set([problem!.key]));
  });

  it('expectRaceFree(): the unique index holds, passed as the imported scenario object', async () => {
    const report = await expectRaceFree(uniqueIndexSignup, contended());
    expect(report.scenarios[0]).toMatchObject({ name: 'signup-unique-index', verdict: 'holds', violations: 0 });
  });

  it('expectRaceFree(): get_or_create holds', async () => {
    const report = await expectRaceFree(example('get-or-create'), contended());
    expect(report.scenarios[0]).toMatchObject({ verdict: 'holds', violations: 0 });
  });

  it('expectRaceFree() fails with the finding, the first example and the command that reruns it', async () => {
    const failure = await expectRaceFree(thinkTime, pigeonholed()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RaceFoundError);
    const message = (failure as Error).message;
    expect(message).toMatch(/^signup-think-time is not race-free: \d+ of 200 ops violated/);
    expect(message).toMatch(/ {2}audit: \d users share user-/);
    expect(message).toMatch(/rerun: racelab reproduce --db postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres --scenario .*fixtures\/signup-think-time\.race\.ts .* --seed 1/);
  });
});

describe('race() checks its options by the CLI’s rules, each named as race() names it, before anything starts', () => {
  it.each([
    [{ workers: 0 }, 'workers must be a whole number from 1 to 64, got 0'],
    [{ clients: 2, threads: 3 }, 'threads must be at most clients (2): a thread without a client has nothing to do, got 3'],
    [{ opTimeoutMs: 5 }, 'opTimeoutMs must be a whole number from 10 to 3,600,000, got 5'],
    [{ ops: 2.5 }, 'ops must be a whole number from 1 to 1,000,000, got 2.5'],
    [{ keySpace: 0 }, 'keySpace must be a whole number from 1 to 1,000,000,000, got 0'],
    [{ keys: 'django' as const, keySpace: 8 }, 'keySpace applies only to keys shrunk; keys django draws from the real key space'],
    [{ isolation: 'serialisable' as never }, 'isolation must be one of read-committed, repeatable-read, serializable, deferred, immediate, got "serialisable" (did you mean serializable?)'],
    [{ occupancy: 2 }, 'occupancy must be a number from 0 to 1, got 2'],
    [{ db: 'oracle' }, 'db must be auto, embedded, embedded@12…18, docker, docker:postgres, mariadb, docker:mariadb, docker:mysql, sqlite, sqlite:PATH, sqlite@node, sqlite@better-sqlite3 or a URL (postgres:// postgresql:// mysql:// mariadb://), got "oracle"'],
  ])('%j', async (options, message) => {
    await expect(race(thinkTime, options)).rejects.toThrow(new RaceError(message));
  });
});

describe('scenario files on the command line', () => {
  it('scenario files give their verdicts from the CLI, side by side', async () => {
    const out = join(work, 'examples');
    // The signup race with a think time (see pigeonholed above), beside the two examples that hold.
    const files = ['./test/fixtures/signup-think-time.race.ts', './examples/signup-unique-index.race.ts', './examples/get-or-create.race.ts'];
    const result = await runCli(['reproduce', '--db', inject('embeddedUrl'), '--scenario', files.join(','), '--workers', '8', '--key-space', '4', '--ops', '25', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/verdict\s+reproduced \(as expected\)\s+holds \(as expected\)\s+holds \(as expected\)/);
    expect(result.stdout).toContain('signup-think-time: its audit found');
    expect(readReport(out).scenarios.map((s: { name: string }) => s.name)).toEqual(['signup-think-time', 'signup-unique-index', 'get-or-create']);
    // Their own words: windows and what their audits found, none of the session-key language.
    expect(result.stdout).toMatch(/^race windows +\d+/m);
    for (const words of ['keys redrawn', 'overwritten (silent)', 'lost (silent)', 'live sessions', "Django's 36^32", 'chance alone']) {
      expect(result.stdout).not.toContain(words);
      expect(readFileSync(join(out, 'latest', 'report.md'), 'utf8')).not.toContain(words);
    }
    expect(readReport(out).scenarios.every((s: { savesSessions: boolean }) => !s.savesSessions)).toBe(true);
    // Each file is copied beside the reports, and the rerun names the copies: run in the report's directory.
    const report = readReport(out);
    expect(readdirSync(join(out, 'latest', 'scenarios')).sort()).toEqual(['get-or-create.race.ts', 'package.json', 'signup-think-time.race.ts', 'signup-unique-index.race.ts']);
    expect(readFileSync(join(out, 'latest', 'scenarios', 'signup-unique-index.race.ts'), 'utf8')).toBe(readFileSync('examples/signup-unique-index.race.ts', 'utf8'));
    expect(report.replayCommand).toContain(' --scenario ./scenarios/signup-think-time.race.ts,./scenarios/signup-unique-index.race.ts,./scenarios/get-or-create.race.ts ');
    expect(report.scenarioFiles[0]).toEqual({
      given: './test/fixtures/signup-think-time.race.ts',
      copy: 'scenarios/signup-think-time.race.ts',
      imports: ['../../harness/define-scenario.ts', '../../examples/signup-check-then-insert.race.ts'],
      packages: [],
    });
    expect(result.stdout).toContain("\n        in the report's directory, which holds a copy of the scenario files it names\n");
  });

  it('explore finds the duplicate signup through the audit, as an interleaving of named steps', async () => {
    const result = await runCli(['explore', './examples/signup-check-then-insert.race.ts', '--seed', '1', '--db', inject('embeddedUrl'), '--out', join(work, 'explore')]);
    expect(result.code, result.stderr).toBe(0);
    // Each step names its key by the example's own value, the email its audit names, racelab's short name beside it.
    expect(result.stdout).toMatch(/w\d check\(user-[a-z0-9]{4}@example\.com \(k\d+\)\) → 0 rows/);
    const email = /audit: 2 users share (user-[a-z0-9]{4}@example\.com)/.exec(result.stdout)![1]!;
    expect(result.stdout).toContain(` insert(${email} (k`);
    expect(result.stdout).toMatch(/audit: 2 users share user-/);
    // The printed replay names the file as given; the report's, its copy beside the report.
    expect(result.stdout).toMatch(/^replay: {3}racelab explore \.\/examples\/signup-check-then-insert\.race\.ts --db \S+ --seed 1 --path /m);
    const latest = join(work, 'explore', 'latest');
    expect(readdirSync(join(latest, 'scenarios')).sort()).toEqual(['package.json', 'signup-check-then-insert.race.ts']);
    const report = JSON.parse(readFileSync(join(latest, 'report.json'), 'utf8'));
    expect(report.replayCommand).toMatch(/^racelab explore \.\/scenarios\/signup-check-then-insert\.race\.ts --db \S+ --seed 1 --path "[\d:]+"$/);
    expect(report.scenarioFiles).toEqual([{ given: './examples/signup-check-then-insert.race.ts', copy: 'scenarios/signup-check-then-insert.race.ts', imports: [], packages: ['racelab'] }]);
  });

  it.each([
    [bad('missing'), 'no such file'],
    [bad('exports-nothing'), 'the default export is not a scenario made with defineScenario'],
    [bad('syntax-error'), 'TypeScript syntax error at line 1, column 53: Parameter declaration expected.'],
    [bad('setup-throws'), 'setup-throws: setup failed: syntax error at end of input'],
  ])('a bad scenario file %s: one line naming the file and the problem, exit 2', async (file, problem) => {
    const result = await runCli(['reproduce', '--db', inject('embeddedUrl'), '--scenario', file, '--out', join(work, 'bad')]);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n').filter((line) => line.startsWith('racelab'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`racelab reproduce: --scenario ${file}: `);
    expect(lines[0]).toContain(problem);
  });
});
