import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;
/**
 * The tests of each block run side by side, each waiting on the processes it started: a test's
 * own time (up to 20 s alone) plus its share of a busy machine.
 */
const SHARED_TIMEOUT = 240_000;
let work: string;
/** Where the tarball is installed once; each project links its node_modules. */
let installed: string;

/** The kinds of project a user has: ESM, npm's default (CommonJS), and none at all. */
const KINDS = ['esm', 'commonjs', 'no-package-json'] as const;
type Kind = (typeof KINDS)[number];

/**
 * Runs a command in a user's project, as they would, with `env` over the test's own; its output
 * when it fails. Asynchronous, so that the tests of a block run side by side: each spends its time
 * waiting on its processes.
 */
function inProject(project: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; output: string; stderr: string }> {
  return new Promise((resolve) => {
    // Killed past the test's own timeout: a process that hangs never outlives its test.
    execFile(command, args, { cwd: project, encoding: 'utf8', env: { ...process.env, DATABASE_URL: '', ...env }, maxBuffer: 64 * 1024 * 1024, timeout: SHARED_TIMEOUT }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: code === 0 ? stdout : `${stdout}\n${stderr}`, stderr });
    });
  });
}

function project(kind: Kind): string {
  const dir = join(work, kind);
  mkdirSync(dir, { recursive: true });
  symlinkSync(join(installed, 'node_modules'), join(dir, 'node_modules'), 'dir');
  if (kind === 'esm') writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  // `npm init -y` writes no "type": CommonJS.
  if (kind === 'commonjs') writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', main: 'index.js' }));
  return dir;
}

/** The fenced code blocks of `language` in a Markdown page of the repository. */
function fencedBlocks(page: string, language: string): string[] {
  const markdown = readFileSync(join(ROOT, page), 'utf8');
  return [...markdown.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
}

/** The README's signup-with-a-unique-index scenario, named `name`, in each syntax a scenario file can have. */
const body = (name: string) => `{
  name: '${name}',
  expect: 'safe',
  why: 'the unique index refuses the second insert',
  async setup(db) {
    await db.query('CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE)');
  },
  async op(ctx) {
    const email = 'user-' + ctx.key().slice(-4) + '@example.com';
    await ctx.db.query('INSERT INTO users (email) VALUES ($1) ON CONFLICT (email) DO NOTHING', [email]);
  },
}`;
const esm = (name = 'signup-unique-index') => `import { defineScenario } from 'racelab';\nexport default defineScenario(${body(name)});\n`;
const cjs = (name = 'signup-unique-index') => `const { defineScenario } = require('racelab');\nmodule.exports = defineScenario(${body(name)});\n`;
const ESM = esm();
const CJS = cjs();

/** Each extension a scenario file can have, and the syntax it is written in for a kind of project. */
const FILES: { extension: string; source: (kind: Kind, name: string) => string }[] = [
  // TypeScript is written with import syntax in every kind of project.
  { extension: '.ts', source: (_, name) => esm(name) },
  { extension: '.mts', source: (_, name) => esm(name) },
  { extension: '.cts', source: (_, name) => esm(name) },
  { extension: '.js', source: (kind, name) => (kind === 'esm' ? esm(name) : cjs(name)) },
  { extension: '.mjs', source: (_, name) => esm(name) },
  { extension: '.cjs', source: (_, name) => cjs(name) },
];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'racelab-package-'));
  const packed = join(work, 'packed');
  mkdirSync(packed);
  // The dist/ that `npm test`'s pretest built: packing with its prepack would build again, deleting
  // dist/ while other test files run bin/racelab.js from it.
  execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', packed], { cwd: ROOT, stdio: 'ignore', timeout: 120_000 });
  const tarball = readdirSync(packed).find((name) => name.endsWith('.tgz'))!;
  installed = join(work, 'installed');
  mkdirSync(installed);
  writeFileSync(join(installed, 'package.json'), JSON.stringify({ name: 'installed', private: true }));
  // npm 11 skips dependencies' install scripts here, as it would for a user who allowed none.
  // TypeScript and vitest come along as a user's project would have them.
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(packed, tarball), 'typescript@5', '@types/node@20', 'vitest@4'], { cwd: installed, stdio: 'ignore', timeout: 240_000 });
  for (const kind of KINDS) project(kind);
}, 300_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.concurrent('the packed tarball', { timeout: SHARED_TIMEOUT }, () => {
  it('holds the compiled package and nothing of racelab’s own sources, tests or benches', async () => {
    const files = execFileSync('find', ['node_modules/racelab/', '-type', 'f'], { cwd: installed, encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(files).toContain('node_modules/racelab/dist/api/index.js');
    expect(files).toContain('node_modules/racelab/dist/api/index.d.ts');
    expect(files).toContain('node_modules/racelab/dist/cjs/index.cjs');
    expect(files).toContain('node_modules/racelab/reports/report.schema.json');
    // Every page the README links to travels with it.
    const readme = readFileSync(join(installed, 'node_modules/racelab/README.md'), 'utf8');
    const linked = [...readme.matchAll(/\]\((docs\/[^)#]+\.md)/g)].map((m) => `node_modules/racelab/${m[1]}`);
    expect(linked.length).toBeGreaterThan(5);
    expect(linked.filter((page) => !files.includes(page))).toEqual([]);
    expect(files.filter((file) => /\.ts$/.test(file) && !file.endsWith('.d.ts') && !file.endsWith('.d.mts') && !file.endsWith('.d.cts'))).toEqual([]);
    expect(files.filter((file) => /\.test\.|\/test\/|\/bench\/|\/\.ci\//.test(file))).toEqual([]);
  });

  it('npx racelab --version prints its version', async () => {
    const result = await inProject(join(work, 'esm'), 'npx', ['racelab', '--version']);
    expect(result.code, result.output).toBe(0);
    expect(result.output.trim()).toBe('racelab 0.1.0');
  });

  // Needs the race to happen: bench/race-test-odds.ts measured, over 10 runs at this size,
  // at least 129 IntegrityErrors for naive-save at the defaults: P(none) < 10^-55.
  it('npx racelab reproduce runs the ticket’s pair on an embedded PostgreSQL', async () => {
    const result = await inProject(join(work, 'commonjs'), 'npx', ['racelab', 'reproduce', '--ops', '200', '--out', 'report']);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/verdict\s+reproduced \(as expected\)\s+holds \(as expected\)/);
  });
});

describe.concurrent('scenario files in every kind of project, from the command line', { timeout: SHARED_TIMEOUT }, () => {
  // One run per kind of project loads all six files: each is loaded on its own, by its extension
  // and the project's "type", and a file that fails to load fails the run and names itself.
  it.each(KINDS)('%s project: a .ts, .mts, .cts, .js, .mjs and .cjs scenario file', async (kind) => {
    const dir = join(work, kind);
    const names = FILES.map((file) => `signup-${file.extension.slice(1)}`);
    FILES.forEach((file, i) => writeFileSync(join(dir, `${names[i]}${file.extension}`), file.source(kind, names[i]!)));
    const scenarios = FILES.map((file, i) => `./${names[i]}${file.extension}`).join(',');
    // On the suite's own cluster: a database start per kind would only repeat the run above. One key,
    // so the two clients' ops race: "holds" needs a race window, and 2×20 ops on one key opened 22
    // to 40 here over 16 runs (P(none) < e^-22 per file, taken as Poisson).
    const result = await inProject(dir, 'npx', ['racelab', 'reproduce', '--db', inject('embeddedUrl'), '--scenario', scenarios, '--workers', '2', '--ops', '20', '--key-space', '1', '--out', 'files-report']);
    expect(result.code, result.output).toBe(0);
    // Node's own warnings ("(node:PID) [DEP0205] DeprecationWarning: …", as module.register()
    // printed on Node 26) would reach the user's terminal with every TypeScript scenario file.
    expect(result.stderr).not.toMatch(/^\(node:\d+\) /m);
    const report = JSON.parse(readFileSync(join(dir, 'files-report', 'latest', 'report.json'), 'utf8'));
    for (const name of names) {
      expect(result.output).toMatch(new RegExp(`${name}: no violation in 40 ops`));
      expect(report.scenarios.find((scenario: { name: string }) => scenario.name === name), name).toMatchObject({ verdict: 'holds', matchesExpectation: true });
    }
  });
});

describe.concurrent("a report's rerun, from its own directory", { timeout: SHARED_TIMEOUT }, () => {
  it.each([
    ['esm', '.ts'],
    ['commonjs', '.js'],
  ] as const)('%s project, a %s scenario file: the report holds its copy and says where racelab came from; the rerun runs there', async (kind, extension) => {
    const dir = join(work, kind);
    const name = `rerun-me${extension}`;
    writeFileSync(join(dir, name), extension === '.ts' ? ESM : CJS);
    const url = inject('embeddedUrl');
    // One key, so that both runs open race windows (22 to 40 in 2×20 ops here, as above): a holds needs them.
    const first = await inProject(dir, 'npx', ['racelab', 'reproduce', '--db', url, '--scenario', `./${name}`, '--workers', '2', '--ops', '20', '--key-space', '1', '--out', 'rerun-report']);
    expect(first.code, first.output).toBe(0);
    const latest = join(dir, 'rerun-report', 'latest');
    const report = JSON.parse(readFileSync(join(latest, 'report.json'), 'utf8'));
    // Installed from the packed tarball, as this project's lockfile records: never `npx racelab@0.1.0`.
    expect(report.tool.source).toEqual({ kind: 'tarball', file: 'racelab-0.1.0.tgz' });
    expect(readFileSync(join(latest, 'report.md'), 'utf8')).not.toContain('npx racelab@');
    expect(report.replayCommand).toContain(` --scenario ./scenarios/${name} `);
    // The report hides the password; the rerun is given it back, and runs in the report's directory.
    const redacted = report.replayCommand.split(' ');
    const args = redacted.slice(1).map((word: string) => (word.includes(':***@') ? url : word));
    const again = await inProject(latest, 'npx', ['racelab', ...args, '--out', join(dir, 'rerun-again')]);
    expect(again.code, again.output).toBe(0);
    expect(again.output).toMatch(/signup-unique-index: no violation in 40 ops/);
  });
});

describe.concurrent("the README's examples, pasted into each kind of project", { timeout: SHARED_TIMEOUT }, () => {
  /** The fenced block of `language` that contains `marker`. */
  const block = (language: string, marker: string) => {
    const found = fencedBlocks('README.md', language).find((code) => code.includes(marker));
    if (found === undefined) throw new Error(`README has no ${language} block with ${marker}`);
    return found;
  };

  // The README's vitest setup is racelab/vitest's: the test of a database shared by every race()
  // runs in the same project, in the same vitest run.
  it.each(['esm', 'commonjs'] as const)('%s project: the scenario file runs from the CLI, and the vitest setup starts one database for the whole run, shared by every race()', async (kind) => {
    const dir = join(work, `readme-${kind}`);
    mkdirSync(dir);
    symlinkSync(join(installed, 'node_modules'), join(dir, 'node_modules'), 'dir');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'readme', version: '1.0.0', ...(kind === 'esm' && { type: 'module' }) }));
    writeFileSync(join(dir, 'signup.race.ts'), block('ts', "name: 'signup'"));
    const cli = await inProject(dir, 'npx', ['racelab', 'reproduce', '--db', inject('embeddedUrl'), '--scenario', './signup.race.ts', '--workers', '8', '--key-space', '8', '--ops', '25', '--out', 'report']);
    expect(cli.code, cli.output).toBe(0);
    expect(cli.output).toMatch(/signup: no violation in 200 ops/);
    writeFileSync(join(dir, 'vitest.config.mjs'), block('js', 'globalSetup'));
    // The README's library example is a test file as it stands.
    writeFileSync(join(dir, 'signup.test.ts'), block('ts', 'expectRaceFree(signup'));
    writeFileSync(join(dir, 'signup-unique-index.race.ts'), ESM);
    // Both calls run on the one database the global setup started: their reports say a server URL.
    writeFileSync(
      join(dir, 'shared.test.ts'),
      `import { expect, it } from 'vitest';
       import { race, expectRaceFree } from 'racelab';
       it('runs on the shared database', async () => {
         const report = await race('./signup-unique-index.race.ts', { workers: 2, ops: 20, keySpace: 1 });
         expect(report.database.kind).toBe('server');
         expect(report.database.reason).toMatch(/^--db postgres:/);
         // That server is gone once the run ends: the rerun starts an embedded one.
         expect(report.replayCommand).toMatch(/^racelab reproduce --db embedded --scenario /);
       });
       it('and again, on the same one', async () => {
         await expectRaceFree('./signup-unique-index.race.ts', { workers: 2, ops: 20, keySpace: 1 });
       });`,
    );
    const tests = await inProject(dir, 'npx', ['vitest', 'run']);
    expect(tests.code, tests.output).toBe(0);
    expect(tests.output).toMatch(/3 passed/);
  });
});

describe.concurrent('race() and expectRaceFree() from a vitest test, in every kind of project', { timeout: SHARED_TIMEOUT }, () => {
  it.each(KINDS)('%s project', async (kind) => {
    const dir = join(work, kind);
    writeFileSync(join(dir, 'signup.race.ts'), ESM);
    // vitest's defaults, but for one test's timeout: a race() starts a database of its own. One key,
    // so that the ops race: a holds needs a race window (22 to 40 in 2×20 ops on one key here, as above).
    writeFileSync(
      join(dir, 'signup.test.ts'),
      `import { expect, it } from 'vitest';
       import { race, expectRaceFree } from 'racelab';
       it('the unique index holds', async () => {
         const report = await race('./signup.race.ts', { workers: 2, ops: 20, keySpace: 1 });
         expect(report.scenarios[0].verdict).toBe('holds');
         await expectRaceFree('./signup.race.ts', { workers: 2, ops: 20, keySpace: 1 });
       }, 60_000);`,
    );
    const result = await inProject(dir, 'npx', ['vitest', 'run', 'signup.test.ts']);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/1 passed/);
  });

  it('require("racelab") gives the API in CommonJS; what runs the engine returns a promise', async () => {
    const dir = join(work, 'commonjs');
    writeFileSync(
      join(dir, 'use-api.js'),
      `const racelab = require('racelab');
       console.log(typeof racelab.defineScenario, typeof racelab.race, typeof racelab.expectRaceFree);`,
    );
    const result = await inProject(dir, 'node', ['use-api.js']);
    expect(result.code, result.output).toBe(0);
    expect(result.output.trim()).toBe('function function function');
  });
});

describe.concurrent('racelab init', { timeout: SHARED_TIMEOUT }, () => {
  it.each(['esm', 'commonjs', 'typescript'] as const)('in a fresh %s project, then npx vitest run with vitest’s defaults, passes', async (kind) => {
    const dir = join(work, `init-${kind}`);
    mkdirSync(dir);
    symlinkSync(join(installed, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const manifest = { name: `init-${kind}`, version: '1.0.0', ...(kind === 'esm' && { type: 'module' }) };
    writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
    if (kind === 'typescript') writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', noEmit: true } }));
    const init = await inProject(dir, 'npx', ['racelab', 'init']);
    expect(init.code, init.output).toBe(0);
    expect(init.output).toMatch(/^wrote signup\.race\.(ts|js|cjs) /);
    const files = readdirSync(dir).filter((name) => name.startsWith('signup'));
    expect(files.sort()).toEqual(kind === 'typescript' ? ['signup.race.test.ts', 'signup.race.ts'] : kind === 'esm' ? ['signup.race.js', 'signup.race.test.mjs'] : ['signup.race.cjs', 'signup.race.test.mjs']);
    const tests = await inProject(dir, 'npx', ['vitest', 'run']);
    expect(tests.code, tests.output).toBe(0);
    expect(tests.output).toMatch(/1 passed/);
    // A second init overwrites nothing: one line, exit 2.
    const again = await inProject(dir, 'npx', ['racelab', 'init']);
    expect(again.code).toBe(2);
    expect(again.output.trim()).toMatch(/^racelab init: signup\.race\.\w+ and signup\.race\.test\.\w+ already exist; init never overwrites a file$/);
  });
});

/**
 * What `tsc --init` (TypeScript 5.9) turns on that bears on checking, so that the examples compile
 * where a new project's own code does; but for verbatimModuleSyntax in a CommonJS project, where it
 * refuses `import` syntax in every .ts file (racelab's TypeScript is written with `import` in
 * every kind of project, as scenarios.md says). Its emit and JSX options check nothing here.
 */
const TSC_INIT_CHECKS = { module: 'nodenext', target: 'esnext', types: [], strict: true, noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true, isolatedModules: true, moduleDetection: 'force', skipLibCheck: true };

describe.concurrent("the TypeScript a user copies: the README's, its library page's, and what racelab init writes", { timeout: SHARED_TIMEOUT }, () => {
  // The README's scenario is the file the library example imports; every other block is a file of its own.
  const scenario = (code: string) => code.includes('export default defineScenario(') && code.includes("name: 'signup'");
  const examples = [
    ...fencedBlocks('README.md', 'ts').map((code, i) => ({ name: scenario(code) ? 'signup.race.ts' : `readme-${i}.ts`, code })),
    ...fencedBlocks('docs/library.md', 'ts').map((code, i) => ({ name: `library-${i}.ts`, code })),
  ];

  it('holds the scenario and the library example on both pages', () => {
    expect(examples.map((example) => example.name)).toContain('signup.race.ts');
    expect(examples.filter((example) => example.code.includes("from './signup.race.")).map((example) => example.name)).toEqual([expect.stringMatching(/^readme-/), expect.stringMatching(/^library-/)]);
  });

  it.each(['esm', 'commonjs'] as const)('%s project: tsc --noEmit, racelab’s own TypeScript, finds no error', async (kind) => {
    const dir = join(work, `tsc-${kind}`);
    mkdirSync(join(dir, 'docs'), { recursive: true });
    symlinkSync(join(installed, 'node_modules'), join(dir, 'node_modules'), 'dir');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `tsc-${kind}`, version: '1.0.0', ...(kind === 'esm' && { type: 'module' }) }));
    const compilerOptions = { ...TSC_INIT_CHECKS, ...(kind === 'esm' && { verbatimModuleSyntax: true }) };
    // init writes TypeScript where it finds a tsconfig.json: its files go in the project's root.
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions }));
    const init = await inProject(dir, 'npx', ['racelab', 'init']);
    expect(init.code, init.output).toBe(0);
    const initFiles = readdirSync(dir).filter((name) => name.endsWith('.ts'));
    expect(initFiles.sort()).toEqual(['signup.race.test.ts', 'signup.race.ts']);
    for (const example of examples) writeFileSync(join(dir, 'docs', example.name), example.code);
    // Every file named, so that none goes unchecked.
    const files = [...initFiles, ...examples.map((example) => `docs/${example.name}`)];
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files }));
    const result = await inProject(dir, join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', '.', '--noEmit']);
    expect(result.code, result.output).toBe(0);
  });
});

/** An ESM project of the type tests' own. */
function typesProject(): string {
  const dir = join(work, 'types');
  if (!existsSync(dir)) {
    mkdirSync(dir);
    symlinkSync(join(installed, 'node_modules'), join(dir, 'node_modules'), 'dir');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'types', private: true, type: 'module' }));
  }
  return dir;
}

describe.concurrent('its type declarations', { timeout: SHARED_TIMEOUT }, () => {
  it('check in a strict TypeScript project', async () => {
    const dir = typesProject();
    copyFileSync(join(ROOT, 'examples', 'signup-check-then-insert.race.ts'), join(dir, 'typed-signup.race.ts'));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: ['node'] }, files: ['typed.ts'] }),
    );
    writeFileSync(
      join(dir, 'typed.ts'),
      `import { defineScenario, race, expectRaceFree, type OpContext, type JsonReport } from 'racelab';
       const scenario = defineScenario({ name: 'typed', expect: 'safe', why: 'typed', async op(ctx: OpContext) { await ctx.db.query('SELECT 1'); } });
       const report: JsonReport = await race(scenario, { workers: 2, keySpace: 8 });
       const violations: number = report.scenarios[0]!.violations;
       await expectRaceFree('./typed-signup.race.ts', { ops: 10 });
       export { violations };`,
    );
    const result = await inProject(dir, 'npx', ['tsc', '-p', '.']);
    expect(result.code, result.output).toBe(0);
  });

  it('show a strict consumer the public API only: no internal contract, no internals of the store', async () => {
    const dir = typesProject();
    writeFileSync(
      join(dir, 'tsconfig.internal.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: ['node'] }, files: ['internal.ts'] }),
    );
    writeFileSync(
      join(dir, 'internal.ts'),
      `import type { StoreConnection, Database, RunConfig } from 'racelab';
       import type { OpContext } from 'racelab';
       import { toFinding } from 'racelab/dist/harness/finding.js';
       export const pid = (ctx: OpContext) => ctx.store.backendPid;
       export const drawn = (ctx: OpContext) => ctx.drawKey();`,
    );
    const result = await inProject(dir, 'npx', ['tsc', '-p', 'tsconfig.internal.json']);
    expect(result.code).not.toBe(0);
    // Each internal name is refused, and nothing else is wrong with the file.
    for (const name of ['StoreConnection', 'Database', 'RunConfig']) expect(result.output).toMatch(new RegExp(`has no exported member (named )?'${name}'`));
    expect(result.output).toContain("Cannot find module 'racelab/dist/harness/finding.js'");
    expect(result.output).toContain("Property 'backendPid' does not exist on type 'SessionStore'");
    // OpContext is generic in what a scenario's connect makes: TypeScript names it OpContext<unknown>.
    expect(result.output).toMatch(/Property 'drawKey' does not exist on type 'OpContext(<unknown>)?'/);
  });
});

/**
 * A Node 26 binary (RACELAB_NODE_26; CI sets it): the "a fresh project on Node 26, with no
 * native module installed". The suite itself may run on another Node; only this project runs on it.
 */
const NODE_26 = process.env['RACELAB_NODE_26'];
const NO_NODE_26 = 'RACELAB_NODE_26 is not set: it names a Node 26 binary to run a fresh project on';
if (!NODE_26) console.log(`Node 26 package test skipped: ${NO_NODE_26}`);

describe.skipIf(!NODE_26)('on Node 26, in a fresh project with no native module installed', { timeout: SHARED_TIMEOUT }, () => {
  it('npx racelab reproduce --db sqlite reproduces naive-save, through node:sqlite, and prints no warning of it', async () => {
    const node = NODE_26!;
    expect(execFileSync(node, ['--version'], { encoding: 'utf8' }).trim(), `RACELAB_NODE_26=${node}`).toMatch(/^v26\./);
    const dir = join(work, 'node-26');
    mkdirSync(dir);
    // The tarball installed once by the suite's npm: its dependencies compile nothing on install
    // (the PostgreSQL binaries' package only links its own files) and hold no module tied to one
    // Node's ABI (piscina's optional @napi-rs/nice is N-API), so npm on Node 26 lays out the same.
    symlinkSync(join(installed, 'node_modules'), join(dir, 'node_modules'), 'dir');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fresh', version: '1.0.0' }));
    // npx, racelab's bin and its workers all run on the first node of PATH.
    const env = { PATH: `${dirname(node)}:${process.env['PATH']}` };
    const which = await inProject(dir, 'node', ['-p', 'process.version'], env);
    expect(which.output.trim()).toMatch(/^v26\./);
    // Nothing native: better-sqlite3 does not resolve from the project.
    const resolved = await inProject(dir, 'node', ['-e', "require.resolve('better-sqlite3')"], env);
    expect(resolved.code, 'better-sqlite3 resolves from the fresh project').not.toBe(0);
    // naive-save must reproduce: at 4×1000 K=64, bench:odds measured at least 46 IntegrityErrors per
    // run on either driver's SQLite here (P(none) < e^-46).
    const result = await inProject(dir, 'npx', ['racelab', 'reproduce', '--db', 'sqlite', '--scenario', 'naive-save', '--ops', '1000', '--out', 'report'], env);
    expect(result.code, result.output).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'report', 'latest', 'report.json'), 'utf8'));
    expect(report.database).toMatchObject({ product: 'SQLite', reason: '--db sqlite: a file in a temporary directory, through node:sqlite' });
    expect(report.scenarios.map((scenario: { name: string; verdict: string }) => [scenario.name, scenario.verdict])).toEqual([['naive-save', 'reproduced']]);
    // racelab's progress lines, and nothing of Node's (an ExperimentalWarning of node:sqlite's, say).
    expect(result.stderr.split('\n').filter((line) => /Warning|\(node:\d+\)/.test(line))).toEqual([]);
  });
});
