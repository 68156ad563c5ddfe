import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clustersOf, startCli } from './cli-process.ts';
import { runMain } from './cli-in-process.ts';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'racelab-bad-input-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A command scenario, named by its path: the cases run in a directory of their own. */
const COMMAND_SCENARIO = fileURLToPath(new URL('./fixtures/commands/naive.race.ts', import.meta.url));

const SCENARIOS = 'naive-save, naive-upsert, select-for-update, serializable-save, on-conflict, advisory-lock, atomic-create';

/**
 * Every way a user can get the command line wrong: one line on stderr that names the option and
 * the rule, exit 2, nothing printed on stdout, nothing started or created. Each case runs the CLI's
 * main() in this process; a few run as a user would, in a process of their own, for what the
 * process adds (the exit code, the streams).
 */
const CASES: [string[], string][] = [
  [['reproduce', '--workers', '0'], 'racelab reproduce: --workers must be a whole number from 1 to 64, got "0"'],
  [['reproduce', '--workers', 'four'], 'racelab reproduce: --workers must be a whole number from 1 to 64, got "four"'],
  [['reproduce', '--workers', '2.5'], 'racelab reproduce: --workers must be a whole number from 1 to 64, got "2.5"'],
  [['reproduce', '--clients', '65'], 'racelab reproduce: --clients must be a whole number from 1 to 64, got "65"'],
  [['reproduce', '--clients', '2', '--workers', '2'], 'racelab reproduce: --clients and --workers are the same option: give one'],
  [['reproduce', '--threads', '0'], 'racelab reproduce: --threads must be a whole number from 1 to 64, got "0"'],
  [['reproduce', '--clients', '4', '--threads', '5'], 'racelab reproduce: --threads must be at most --clients (4): a thread without a client has nothing to do, got "5"'],
  [['reproduce', '--sweep', 'workers=2,4', '--clients', '3'], 'racelab reproduce: --sweep workers=… and --clients cannot be given together'],
  [['reproduce', '--ops', '1e12'], 'racelab reproduce: --ops must be a whole number from 1 to 1,000,000, got "1e12"'],
  [['reproduce', '--ops', ''], 'racelab reproduce: --ops must be a whole number from 1 to 1,000,000, got ""'],
  [['reproduce', '--key-space', '-1'], 'racelab reproduce: --key-space must be a whole number from 1 to 1,000,000,000, got "-1"'],
  [['reproduce', '--occupancy', '2'], 'racelab reproduce: --occupancy must be a number from 0 to 1, got "2"'],
  [['reproduce', '--occupancy=-0.5'], 'racelab reproduce: --occupancy must be a number from 0 to 1, got "-0.5"'],
  [['reproduce', '--max-attempts', '0'], 'racelab reproduce: --max-attempts must be a whole number from 1 to 1,000,000, got "0"'],
  [['reproduce', '--seed', '4294967296'], 'racelab reproduce: --seed must be a whole number from 0 to 4,294,967,295, got "4294967296"'],
  [['reproduce', '--op-timeout', '1'], 'racelab reproduce: --op-timeout must be a whole number from 10 to 3,600,000, got "1"'],
  [['reproduce', '--rate', '0'], 'racelab reproduce: --rate must be a whole number from 1 to 1,000,000,000, got "0"'],
  [['reproduce', '--scenario', 'naive-sav'], `racelab reproduce: --scenario "naive-sav" is not one of ${SCENARIOS} (did you mean naive-save?)`],
  [['reproduce', '--scenario', 'naive-save,naive-save'], 'racelab reproduce: --scenario names a value twice: "naive-save,naive-save"'],
  [['reproduce', '--db', 'redis://root@localhost/x'], 'racelab reproduce: --db URL must start with postgres://, postgresql://, mysql://, mariadb://, got "redis://…"'],
  [['reproduce', '--db', 'oracle'], 'racelab reproduce: --db must be auto, embedded, embedded@12…18, docker, docker:postgres, mariadb, docker:mariadb, docker:mysql, sqlite, sqlite:PATH, sqlite@node, sqlite@better-sqlite3 or a URL (postgres:// postgresql:// mysql:// mariadb://), got "oracle"'],
  [['reproduce', '--db', 'embedded@9'], 'racelab reproduce: --db embedded@N takes a PostgreSQL major from 12 to 18, got "embedded@9"'],
  [['reproduce', '--db', 'embedded,sqlite,embedded'], 'racelab reproduce: --db names a database twice: "embedded"'],
  [['reproduce', '--db', 'embedded,sqlite', '--sweep', 'key-space=4,8'], 'racelab reproduce: --sweep and a list of databases in --db cannot be given together: the table is databases × scenarios, or values × scenarios'],
  [['explore', 'naive-save', '--db', 'embedded,sqlite'], 'racelab explore: --db takes one database here, got the list "embedded,sqlite"; reproduce and gate take a list'],
  [['reproduce', '--db', 'embedded,sqlite', '--isolation', 'deferred'], 'racelab reproduce: --isolation deferred is not offered by --db embedded, which takes read-committed, repeatable-read, serializable'],
  [['reproduce', '--db', 'postgres://'], 'racelab reproduce: --db URL must name a host, e.g. postgres://user@127.0.0.1:5432/db'],
  [['reproduce', '--db', 'mariadb://'], 'racelab reproduce: --db URL must name a host, e.g. mariadb://user@127.0.0.1:3306/db'],
  [['reproduce', '--db', 'docker:oracle'], 'racelab reproduce: --db must be auto, embedded, embedded@12…18, docker, docker:postgres, mariadb, docker:mariadb, docker:mysql, sqlite, sqlite:PATH, sqlite@node, sqlite@better-sqlite3 or a URL (postgres:// postgresql:// mysql:// mariadb://), got "docker:oracle"'],
  [
    ['reproduce', '--db', 'postgres://racer:s3cret@db.example.com/app'],
    'racelab reproduce: --db postgres://racer:***@db.example.com/app is not on this machine, and racelab would send it thousands of failing inserts; pass --allow-remote if that is what you want',
  ],
  [['reproduce', '--frobnicate'], 'racelab reproduce: unknown option --frobnicate (see racelab reproduce --help)'],
  [['reproduce', 'extra'], 'racelab reproduce: unexpected argument "extra" (see racelab reproduce --help)'],
  [['reproduce', '--workers'], 'racelab reproduce: --workers needs a value (see racelab reproduce --help)'],
  [['reproduce', '--workers', '2', '--workers=3'], 'racelab reproduce: --workers is given twice'],
  [['reproduce', '--out', ''], 'racelab reproduce: --out must not be empty'],
  [['reproduce', '--out', '/etc/passwd/reports'], 'racelab reproduce: --out /etc/passwd/reports cannot be created: /etc/passwd is a file'],
  [['reproduce', '--out', '/proc/racelab'], 'racelab reproduce: --out must be writable, but /proc is not (ENOENT)'],
  [['reproduce', '--keys', 'long'], 'racelab reproduce: --keys must be one of shrunk, django, same-seed, got "long"'],
  [['reproduce', '--keys', 'django', '--key-space', '16'], 'racelab reproduce: --key-space applies only to --keys shrunk; --keys django draws from the real key space'],
  [['reproduce', '--keys', 'same-seed', '--occupancy', '0.5'], 'racelab reproduce: --occupancy applies only to --keys shrunk; --keys same-seed draws from the real key space'],
  [
    ['reproduce', '--isolation', 'serialisable'],
    'racelab reproduce: --isolation must be one of read-committed, repeatable-read, serializable, deferred, immediate, got "serialisable" (did you mean serializable?)',
  ],
  [['reproduce', '--sweep', 'ops=1,2'], 'racelab reproduce: --sweep must be key-space=V,V,… or workers=V,V,…, got "ops=1,2"'],
  [['reproduce', '--sweep', 'key-space=4,0'], 'racelab reproduce: --sweep key-space must be a whole number from 1 to 1,000,000,000, got "0"'],
  [['reproduce', '--sweep', 'workers=2,4', '--workers', '3'], 'racelab reproduce: --sweep workers=… and --workers cannot be given together'],
  [['reproduce', '--expect', 'naive-save=maybe'], 'racelab reproduce: --expect takes NAME=safe or NAME=unsafe, comma-separated, got "naive-save=maybe"'],
  [['gate', '--alpha', '2'], 'racelab gate: --alpha must be a number from 0 to 0.5, got "2"'],
  [['gate', '--baseline', '/nonexistent/report.json'], 'racelab gate: --baseline /nonexistent/report.json cannot be read: ENOENT'],
  [['reproduce', '--duration', '30'], 'racelab reproduce: --duration must be a duration from 100ms to 24h such as 30s, 500ms or 2m, got "30"'],
  [['reproduce', '--duration', '30s', '--ops', '10'], 'racelab reproduce: --duration and --ops cannot be given together: one runs for a time, the other for a count'],
  [['reproduce', '--format', 'html'], 'racelab reproduce: --format must be one of terminal, markdown, trac, got "html"'],
  [['gate', '--explore-runs', '-1'], 'racelab gate: --explore-runs must be a whole number from 0 to 100,000, got "-1"'],
  [['gate', '--explore-time', '0s'], 'racelab gate: --explore-time must be a duration from 100ms to 1h such as 30s, 500ms or 2m, got "0s"'],
  [['gate', '--format', 'trac'], "racelab gate: --format is reproduce's: the gate prints its checks, one line each, and writes report.md and report.trac.txt beside report.json"],
  [['gate', '--explore-run', '5'], 'racelab gate: unknown option --explore-run (did you mean --explore-runs?)'],
  [['reproduce', '--worker', '4'], 'racelab reproduce: unknown option --worker (did you mean --workers?)'],
  [['explore'], `racelab explore: needs a scenario: racelab explore SCENARIO, a built-in name (one of ${SCENARIOS}) or a scenario file such as ./signup.race.ts`],
  [['explore', 'naive-save', '--path', '1:2'], 'racelab explore: --path replays a run of one seed: give --seed too'],
  [['explore', 'naive-save', '--path', 'x', '--seed', '1'], 'racelab explore: --path must be numbers joined by colons, as fast-check prints it, got "x"'],
  [['explore', 'naive-save', '--workers', '3'], 'racelab explore: --workers applies to --exhaustive; the property search generates it'],
  [['explore', 'naive-save', '--exhaustive', '--runs', '5'], 'racelab explore: --runs belongs to the property search and cannot go with --exhaustive'],
  [['explore', 'naive-save', '--schedule', 'x', '--seed', '1'], 'racelab explore: --schedule replays one interleaving and cannot go with --seed'],
  [['explore', 'naive-save', '--schedule', 'workers=2'], 'racelab explore: --schedule needs ops=…'],
  [['explore', 'naive-save', '--exhaustive=yes'], 'racelab explore: --exhaustive takes no value'],
  [['list', '--db', 'oracle'], 'racelab list: --db must be auto, embedded, embedded@12…18, docker, docker:postgres, mariadb, docker:mariadb, docker:mysql, sqlite, sqlite:PATH, sqlite@node, sqlite@better-sqlite3 or a URL (postgres:// postgresql:// mysql:// mariadb://), got "oracle"'],
  [['list', '--sql', './nope.race.ts'], 'racelab list: --sql ./nope.race.ts: no such file'],
  // A command scenario's ops run in its program's processes: only reproduce and the gate start those.
  [
    ['list', '--sql', COMMAND_SCENARIO],
    `racelab list: --sql ${COMMAND_SCENARIO}: command-naive is a command scenario: its ops run in its program's processes, which list --sql cannot do yet (reproduce and the gate can; docs/commands.md)`,
  ],
  [
    ['reproduce', '--scenario', COMMAND_SCENARIO, '--amplify'],
    "racelab reproduce: --amplify: command-naive is a command scenario, whose processes racelab does not perturb (docs/commands.md): run it without --amplify",
  ],
  [
    ['reproduce', '--scenario', `naive-save,${COMMAND_SCENARIO}`, '--history'],
    "racelab reproduce: --history: command-naive is a command scenario, whose ops racelab does not record one by one (docs/commands.md): run it without --history",
  ],
  [
    ['explore', COMMAND_SCENARIO],
    `racelab explore: ${COMMAND_SCENARIO}: command-naive is a command scenario: its ops run in its program's processes, which explore cannot do yet (reproduce and the gate can; docs/commands.md)`,
  ],
  [['list', '--sql', 'on-conflicts'], `racelab list: --sql "on-conflicts" is not one of ${SCENARIOS} (did you mean on-conflict?)`],
  [['explode'], 'racelab: unknown command "explode"; commands: reproduce, explore, gate, list, init, clean'],
  [['clean', '--db', 'embedded'], 'racelab clean: --db for clean must be a server\'s URL (postgres://… or postgresql://… or mysql://… or mariadb://…), got "embedded"'],
  [['clean', '--dry-run=yes'], 'racelab clean: --dry-run takes no value'],
  [['clean', '--db', 'redis://root@127.0.0.1/test'], 'racelab clean: --db URL must start with postgres://, postgresql://, mysql://, mariadb://, got "redis://…"'],
];

describe(`bad input: ${CASES.length} cases, each one line naming the option and the rule, exit 2, nothing started or created`, () => {
  it.each(CASES)('%j', async (args, message) => {
    const result = await runMain(args, { cwd: work, env: { DOCKER_HOST: 'tcp://127.0.0.1:1' } });
    expect(result.stderr).toBe(`${message}\n`);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(existsSync(join(work, 'racelab-report'))).toBe(false);
    expect(clustersOf(process.pid)).toEqual([]);
  });

  it('has at least 25 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(25);
  });
});

describe('a baseline from the other kind of run: amplified against natural', () => {
  const baselineOf = (amplify: boolean) => {
    const path = join(work, `baseline-${amplify ? 'amplified' : 'natural'}.json`);
    writeFileSync(path, JSON.stringify({ schemaVersion: 3, tool: { name: 'racelab' }, config: { amplify }, scenarios: [{ name: 'naive-save', ops: 100, violations: 9 }] }));
    return path;
  };

  it.each([
    [['gate', '--baseline', 'amplified'], 'was an amplified run and this one is not: amplified and natural rates are not comparable; pass --amplify, or give a baseline run without it'],
    [['gate', '--amplify', '--baseline', 'natural'], 'was not amplified and this run is: amplified and natural rates are not comparable; drop --amplify, or give a baseline run with it'],
  ])('%j is refused before anything starts', async (args, rule) => {
    const path = baselineOf(args.at(-1) === 'amplified');
    const result = await runMain([...args.slice(0, -1), path], { cwd: work, env: { DOCKER_HOST: 'tcp://127.0.0.1:1' } });
    expect(result.stderr).toBe(`racelab gate: --baseline ${path} ${rule}\n`);
    expect(result.code).toBe(2);
    expect(existsSync(join(work, 'racelab-report'))).toBe(false);
    expect(clustersOf(process.pid)).toEqual([]);
  });
});

describe('bad input, as a user meets it: its own process, one line on stderr, exit 2', () => {
  // One of each command that starts something when its input is good, and the unknown command.
  const chosen = CASES.filter(([args]) => ['reproduce', 'explore', 'gate', 'list', 'clean', 'explode'].includes(args[0]!)).filter(
    ([args], index, all) => all.findIndex(([other]) => other[0] === args[0]) === index,
  );
  it.each(chosen)('%j', async (args, message) => {
    const { child, done } = startCli(args, { cwd: work, env: { DOCKER_HOST: 'tcp://127.0.0.1:1' } });
    const result = await done;
    expect(result.stderr).toBe(`${message}\n`);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(existsSync(join(work, 'racelab-report'))).toBe(false);
    expect(clustersOf(child.pid!)).toEqual([]);
  });
});
