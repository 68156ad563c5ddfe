import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;
let project: string;
let packed: string;

/** Runs a command in the user's project, as they would; its output when it fails. */
function inProject(command: string, args: string[]): { code: number; output: string } {
  try {
    const output = execFileSync(command, args, { cwd: project, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DATABASE_URL: '' } });
    return { code: 0, output };
  } catch (error) {
    const failed = error as { status: number; stdout: string; stderr: string };
    return { code: failed.status, output: `${failed.stdout}\n${failed.stderr}` };
  }
}

describe('the packed tarball in a fresh project, as a user meets racelab', () => {
  beforeAll(() => {
    packed = mkdtempSync(join(tmpdir(), 'racelab-pack-'));
    execFileSync('npm', ['pack', '--pack-destination', packed], { cwd: ROOT, stdio: 'ignore' });
    const tarball = readdirSync(packed).find((name) => name.endsWith('.tgz'))!;
    project = mkdtempSync(join(tmpdir(), 'racelab-consumer-'));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    // npm 11 skips dependencies' install scripts here, as it would for a user who allowed none.
    // TypeScript comes along to check the package's type declarations as a user's project would.
    execFileSync('npm', ['install', '--no-audit', '--no-fund', join(packed, tarball), 'typescript@5', '@types/node@20'], { cwd: project, stdio: 'ignore' });
  }, 300_000);
  afterAll(() => {
    rmSync(project, { recursive: true, force: true });
    rmSync(packed, { recursive: true, force: true });
  });

  it('holds only what a user needs', () => {
    const files = execFileSync('find', ['node_modules/racelab', '-type', 'f'], { cwd: project, encoding: 'utf8' }).split('\n');
    expect(files).toContain('node_modules/racelab/index.js');
    expect(files).toContain('node_modules/racelab/api/index.ts');
    expect(files).toContain('node_modules/racelab/reports/report.schema.json');
    expect(files).toContain('node_modules/racelab/types/api/index.d.ts');
    expect(files.filter((file) => /\.test\.ts$|\/test\/|\/bench\/|\/\.ci\//.test(file))).toEqual([]);
  });

  // Needs the race to happen: bench/race-test-odds.ts measured, over 10 runs at this size,
  // at least 129 IntegrityErrors for naive-save at the defaults: P(none) < 10^-55.
  it('npx racelab reproduce runs the ticket’s pair on an embedded PostgreSQL', () => {
    const result = inProject('npx', ['racelab', 'reproduce', '--ops', '200', '--out', 'report']);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/verdict\s+reproduced \(as expected\)\s+holds \(as expected\)/);
  });

  it('a TypeScript scenario file importing racelab runs without a build step', () => {
    copyFileSync(join(ROOT, 'examples', 'signup-check-then-insert.race.ts'), join(project, 'signup.race.ts'));
    const result = inProject('npx', ['racelab', 'reproduce', '--scenario', './signup.race.ts', '--workers', '8', '--key-space', '8', '--ops', '25', '--out', 'report']);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('signup-check-then-insert: its audit found');
  });

  it('its type declarations check in a strict TypeScript project', () => {
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: ['node'] } }),
    );
    writeFileSync(
      join(project, 'typed.ts'),
      `import { defineScenario, race, expectRaceFree, type OpContext, type JsonReport } from 'racelab';
       const scenario = defineScenario({ name: 'typed', expect: 'safe', why: 'typed', async op(ctx: OpContext) { await ctx.db.query('SELECT 1'); } });
       const report: JsonReport = await race(scenario, { workers: 2, keySpace: 8 });
       const violations: number = report.scenarios[0]!.violations;
       await expectRaceFree('./signup.race.ts', { ops: 10 });
       export { violations };`,
    );
    const result = inProject('npx', ['tsc', '-p', '.']);
    expect(result.code, result.output).toBe(0);
  });

  it('the library API is importable from the package', () => {
    writeFileSync(
      join(project, 'use-api.mjs'),
      `import { race, defineScenario, expectRaceFree } from 'racelab';
       console.log(typeof race, typeof defineScenario, typeof expectRaceFree);`,
    );
    const result = inProject('node', ['use-api.mjs']);
    expect(result.code, result.output).toBe(0);
    expect(result.output.trim()).toBe('function function function');
  });
});
