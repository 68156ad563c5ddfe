import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readReport } from './report-file.ts';
import { seededRandom } from '../harness/random.ts';
import { leftoversOf, runCli, schemasOf, shown, startCli, until } from './cli-process.ts';
import { fixturePath } from './run.ts';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'racelab-cli-test-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('racelab reproduce on an embedded PostgreSQL', () => {
  it('prints the side-by-side table and the first IntegrityError, writes report.json, exits 0 and leaves nothing behind', async () => {
    // Needs the race to happen: bench/race-test-odds.ts measured, over 10 runs at this size,
    // at least 76 IntegrityErrors for naive-save at 4×400, K=16: P(none) < 10^-32.
    const out = join(work, 'report');
    // A DOCKER_HOST that points nowhere: the auto rule must fall back to the embedded cluster.
    const { child, done } = startCli(['reproduce', '--ops', '400', '--key-space', '16', '--seed', '11', '--out', out], {
      env: { DOCKER_HOST: 'tcp://127.0.0.1:1' },
    });
    const result = await done;
    expect(result.stderr).toContain('database: embedded (no container runtime answered (tcp://127.0.0.1:1: ECONNREFUSED))');
    expect(result.code).toBe(0);

    expect(result.stdout).toMatch(/naive-save\s+atomic-create/);
    expect(result.stdout).toMatch(/verdict\s+reproduced \(as expected\)\s+holds \(as expected\)/);
    expect(result.stdout).toContain('First IntegrityError, as PostgreSQL reported it');
    expect(result.stdout).toContain('SQLSTATE: 23505');
    expect(result.stdout).toMatch(/DETAIL: {2}Key \(session_key\)=\([a-z0-9]{32}\) already exists\./);
    expect(result.stdout).toContain('--seed 11');
    // Threads default to half the cores, at most one per client.
    const threads = Math.min(Math.ceil(availableParallelism() / 2), 4);
    expect(result.stdout).toContain(`4 clients × 400 ops on ${threads} thread${threads === 1 ? '' : 's'}`);

    const report = readReport(out);
    expect(report.schemaVersion).toBe(4);
    expect(report.result).toMatchObject({ verdict: 'pass', summary: 'PASS (2 of 2 checks passed)' });
    expect(report.database.kind).toBe('embedded');
    expect(report.database.version).toMatch(/^\d+\.\d+/);
    expect(report.config).toMatchObject({ workers: 4, threads, opsPerWorker: 400, keySpace: 16, occupancy: 0.25, seed: 11 });
    expect(report.scenarios.map((s: { name: string }) => s.name)).toEqual(['naive-save', 'atomic-create']);
    const [naive, atomic] = report.scenarios;
    expect(naive).toMatchObject({ expect: 'unsafe', ops: 1600, verdict: 'reproduced' });
    expect(naive.outcomes.integrity_error).toBeGreaterThan(0);
    expect(naive.rate.low).toBeGreaterThan(0);
    expect(naive.rate.low).toBeLessThanOrEqual(naive.rate.value);
    expect(naive.rate.high).toBeGreaterThanOrEqual(naive.rate.value);
    expect(atomic).toMatchObject({ expect: 'safe', ops: 1600, verdict: 'holds', rate: { value: 0, low: 0 } });
    expect(atomic.outcomes.integrity_error).toBe(0);

    expect(leftoversOf(child.pid!)).toEqual([]);
  });

  it('stops on Ctrl-C at 10 random moments: exit 130, a partial report marked interrupted, nothing left behind', async () => {
    const server = inject('embeddedUrl');
    // The random moments come from a seed printed with every failure, so a failure can be replayed.
    const seed = Number(process.env['RACELAB_CTRL_C_SEED'] ?? randomInt(2 ** 31));
    const random = seededRandom(seed);
    for (let attempt = 0; attempt < 10; attempt++) {
      const out = join(work, `interrupted-${attempt}`);
      // Half on an embedded cluster of its own, half on a server it is pointed at.
      const db = attempt % 2 === 0 ? ['--db', 'embedded'] : ['--db', server];
      const { child, done } = startCli(['reproduce', ...db, '--ops', '1000000', '--out', out]);
      const delay = Math.floor(random() * 2500);
      await new Promise((resolve) => setTimeout(resolve, delay));
      child.kill('SIGINT');
      const result = await done;
      const context = `RACELAB_CTRL_C_SEED=${seed}, attempt ${attempt}, SIGINT after ${delay} ms: ${result.stderr}`;
      // Before its handler is installed, Node's default ends the process by the signal: nothing existed yet.
      if (result.code === null) expect(existsSync(out), context).toBe(false);
      else {
        expect(result.code, context).toBe(130);
        // Interrupted before the database was up, there is nothing to report, and it says so.
        if (existsSync(join(out, 'latest', 'report.json'))) expect(readReport(out).interrupted, context).toBe(true);
        else expect(result.stderr, context).toMatch(/interrupted while it was starting/);
      }
      expect(leftoversOf(child.pid!), context).toEqual([]);
      expect(await schemasOf(server, child.pid!), context).toEqual([]);
    }
  });

  it('a second Ctrl-C exits at once, and still leaves no postgres process or directory behind', async () => {
    const { child, done } = startCli(['reproduce', '--db', 'embedded', '--ops', '1000000', '--out', join(work, 'twice')]);
    await shown(child, 'running naive-save');
    child.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(130);
    expect(leftoversOf(child.pid!)).toEqual([]);
  });
});

describe('racelab reproduce on a scenario whose every op fails with an error that is not a race', () => {
  it('exits 3, and no output claims a verdict, a bound or a match', async () => {
    const out = join(work, 'broken');
    const result = await runCli(['reproduce', '--db', inject('embeddedUrl'), '--scenario', fixturePath('missing-table.race'), '--ops', '25', '--out', out]);
    expect(result.code, result.stdout + result.stderr).toBe(3);
    const cause = 'missing-table: w\\d op\\d+ failed with an error that is not a race: relation "racelab_missing_table" does not exist';
    expect(result.stderr).toMatch(new RegExp(`^racelab: ${cause}$`, 'm'));
    expect(result.stdout).toMatch(/verdict\s+broken \(no verdict\)/);
    expect(result.stdout).toMatch(new RegExp(`^verdict: BROKEN, no verdict: ${cause}$`, 'm'));
    const report = readReport(out);
    expect(report.result.verdict).toBe('broken');
    expect(report.scenarios[0]).toMatchObject({ verdict: 'broken', matchesExpectation: null, check: { verdict: 'broken' } });
    const markdown = readFileSync(join(out, 'latest', 'report.md'), 'utf8');
    expect(markdown.split('\n')[0]).toMatch(new RegExp(`^# racelab report: BROKEN, no verdict: ${cause}$`));
    const junit = readFileSync(join(out, 'latest', 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<testsuites name="racelab" tests="1" failures="0" errors="1"/);
    expect(junit).toMatch(/<error message="no verdict: missing-table: no verdict on the race: [^"]*" type="HarnessFailure">42P01: relation/);
    for (const text of [result.stdout, markdown, junit, JSON.stringify(report)]) {
      expect(text).not.toMatch(/\bholds \(|\bholds:|"verdict":"holds"|\bheld\b|below [\d.]+% per window|"matchesExpectation":true/);
    }
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

  it('a URL without the password a SCRAM server asks for: says the password is missing, exit 3', async () => {
    const url = new URL(inject('embeddedUrl'));
    url.password = '';
    const result = await runCli(['list', '--sql', 'naive-save', '--db', url.toString()]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('the server asks for a password (SCRAM) and the URL gives none');
    expect(result.stderr).not.toContain('SASL');
  });
});

describe('racelab reproduce --amplify', () => {
  it('forces the race the natural run rarely sees, keeps the safe scenario safe, and says the rates are forced', async () => {
    // At K=4,096 a natural run of 4×300 ops sees about one IntegrityError (0 to 3 in
    // bench/bench.ts's runs of 4×2,000). Amplified, naive-save failed 24–26% of its ops in every
    // run measured: P(fewer than 10 of 1,200) is below 10^-100. atomic-create's safety is no
    // matter of chance: its insert retries on conflict.
    const out = join(work, 'amplified');
    const args = ['reproduce', '--db', inject('embeddedUrl'), '--scenario', 'naive-save,atomic-create', '--ops', '300', '--key-space', '4096', '--seed', '5', '--amplify'];
    const result = await runCli([...args, '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('amplified (--amplify, seed 5): shared key draws and holds after reads forced the race;');
    expect(result.stdout).not.toContain('chance alone');
    const report = readReport(out);
    expect(report.config).toMatchObject({ amplify: true, seed: 5, keySpace: 4096 });
    expect(report.expectation).toBeNull();
    expect(report.replayCommand).toMatch(/ --seed 5 --amplify$/);
    const [naive, atomic] = report.scenarios;
    expect(naive).toMatchObject({ name: 'naive-save', verdict: 'reproduced' });
    expect(naive.outcomes.integrity_error).toBeGreaterThanOrEqual(10);
    expect(atomic).toMatchObject({ name: 'atomic-create', verdict: 'holds', violations: 0 });
    // It met the forced collisions, and absorbed them by retrying.
    expect(atomic.retries).toBeGreaterThan(0);
  });

  it('the gate says so under its first line', async () => {
    const result = await runCli(['gate', '--db', inject('embeddedUrl'), '--scenario', 'atomic-create', '--ops', '50', '--seed', '6', '--amplify', '--explore-runs', '0', '--out', join(work, 'amplified-gate')]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.split('\n')[1]).toMatch(/^amplified \(--amplify, seed 6\): shared key draws and holds after reads forced the race;/);
  });
});

describe('Ctrl-C at the moments that used to go wrong', () => {
  it('during initdb: reported as an interruption, exit 130, nothing left, no template kept', async () => {
    // A cache of its own, empty: this start runs initdb rather than copying a template.
    const cache = join(work, 'initdb-cache');
    const { child, done } = startCli(['reproduce', '--db', 'embedded', '--out', join(work, 'initdb')], { env: { RACELAB_CACHE_DIR: cache } });
    // initdb takes about a second and starts right after this line.
    await shown(child, 'database: embedded');
    await new Promise((resolve) => setTimeout(resolve, 150));
    child.kill('SIGINT');
    const result = await done;
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).not.toContain('initdb failed');
    expect(leftoversOf(child.pid!)).toEqual([]);
    // An interrupted initdb is never kept, and nothing half-copied is left in the cache.
    expect(existsSync(join(cache, 'templates')) ? readdirSync(join(cache, 'templates')) : []).toEqual([]);
  });

  it("a second Ctrl-C against the user's server names the schema it leaves, and racelab clean removes it", async () => {
    const server = inject('embeddedUrl');
    const { child, done } = startCli(['reproduce', '--db', server, '--ops', '1000000', '--out', join(work, 'twice-server')]);
    await shown(child, 'running naive-save');
    // The schema is created just after that line.
    await until('its schema', async () => (await schemasOf(server, child.pid!)).length > 0);
    child.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 5));
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(130);
    const left = await schemasOf(server, child.pid!);
    if (left.length > 0) {
      // It exited before its own cleanup dropped the schema: the line says which one and how.
      expect(result.stderr).toContain(`left behind: schema ${left[0]} on `);
      expect(result.stderr).toContain('`racelab clean --db URL` removes it');
      const clean = await runCli(['clean', '--db', server]);
      expect(clean.stdout).toContain(`dropped schema ${left[0]}`);
    }
    expect(await schemasOf(server, child.pid!)).toEqual([]);
  });
});

describe('racelab usage errors that need files', () => {
  it('an --out that is a file', async () => {
    const file = join(work, 'a-file');
    writeFileSync(file, 'keep me');
    const result = await runCli(['reproduce', '--out', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`racelab reproduce: --out must be a directory, but ${file} is a file\n`);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
  });

  it('list: a --db it cannot take', async () => {
    const result = await runCli(['list', '--db', 'oracle://x/y']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('racelab list: --db URL must start with postgres://, postgresql://, mysql://, mariadb://, got "oracle://…"\n');
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
    expect(result.stderr).toBe('racelab: unknown command "explode"; commands: reproduce, explore, gate, list, init, clean\n');
  });
});
