import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT } from '../exit-codes.ts';
import { UsageError } from '../../run/errors.ts';
import { parseFlags } from '../parse-flags.ts';
import type { Command } from './command.ts';

/** What kind of project `init` writes for: its language and its module system. */
export interface ProjectKind {
  typescript: boolean;
  esm: boolean;
}

/**
 * Reads the project in `dir`: TypeScript when it has a tsconfig.json or depends on typescript; ESM
 * when its package.json says `"type": "module"` (npm's default, and no package.json, are CommonJS).
 */
function projectKind(dir: string): ProjectKind {
  const manifestPath = join(dir, 'package.json');
  const manifest = existsSync(manifestPath)
    ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as { type?: string; dependencies?: object; devDependencies?: object })
    : {};
  const dependsOnTypeScript = 'typescript' in (manifest.dependencies ?? {}) || 'typescript' in (manifest.devDependencies ?? {});
  return { typescript: existsSync(join(dir, 'tsconfig.json')) || dependsOnTypeScript, esm: manifest.type === 'module' };
}

const SCENARIO_BODY = `{
  name: 'signup',
  expect: 'safe',
  why: 'email has a unique index, and a losing insert is answered as "email taken"',
  async setup(db) {
    // Runs once per run, in racelab's own schema: nothing of yours is touched.
    await db.query('CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE, created_by text NOT NULL)');
  },
  // What the op makes of a key: the reports then name each key so (user-000g@example.com (k16)).
  keyValue: (key) => \`user-\${key.slice(-4)}@example.com\`,
  async op(ctx) {
    // ctx.key(): a key drawn from --key-space, so that signups collide often.
    const email = \`user-\${ctx.key().slice(-4)}@example.com\`;
    const taken = await ctx.step('check', () => ctx.db.query('SELECT 1 FROM users WHERE email = $1', [email]));
    if (taken.rowCount > 0) return; // the form says "email taken": a normal outcome
    try {
      await ctx.step('insert', () => ctx.db.query('INSERT INTO users (email, created_by) VALUES ($1, $2)', [email, ctx.owner]));
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      ctx.retried();
    }
  },
  // Finds what no error reports: each problem counts as an op that broke the invariant.
  async audit(db) {
    const { rows } = await db.query('SELECT email FROM users GROUP BY email HAVING count(*) > 1');
    return rows.map((row) => ({ message: \`more than one user has \${row.email}\`, key: String(row.email) }));
  },
}`;

/** The starter files for a project of this kind: a scenario and a vitest test that runs it. */
function starterFiles(kind: ProjectKind): { scenario: [string, string]; test: [string, string] } {
  // TypeScript is written with import syntax in any project; JavaScript follows the project.
  const extension = kind.typescript ? '.ts' : kind.esm ? '.js' : '.cjs';
  const scenarioFile = `signup.race${extension}`;
  const scenario =
    kind.typescript || kind.esm
      ? `import { defineScenario, isUniqueViolation } from 'racelab';\n\nexport default defineScenario(${SCENARIO_BODY});\n`
      : `const { defineScenario, isUniqueViolation } = require('racelab');\n\nmodule.exports = defineScenario(${SCENARIO_BODY});\n`;
  const testFile = `signup.race.test${kind.typescript ? '.ts' : '.mjs'}`;
  const test = `import { it } from 'vitest';
import { expectRaceFree } from 'racelab';

// racelab starts a throwaway PostgreSQL for the run (or uses DATABASE_URL): give it more than
// vitest's default 5 s.
it('signup is race-free', async () => {
  await expectRaceFree('./${scenarioFile}', { workers: 4, ops: 50, keySpace: 8 });
}, 60_000);
`;
  return { scenario: [scenarioFile, scenario], test: [testFile, test] };
}

export const initCommand: Command = {
  help: () =>
    [
      'usage: racelab init',
      '',
      'Writes a starter scenario (signup.race.ts, .js or .cjs, as the project is TypeScript, ESM or CommonJS)',
      'and a vitest test that runs it through expectRaceFree, in the current directory. It never overwrites a file.',
    ].join('\n'),

  async run(args, io) {
    parseFlags('init', args, []);
    const dir = process.cwd();
    const { scenario, test } = starterFiles(projectKind(dir));
    const existing = [scenario, test].map(([name]) => name).filter((name) => existsSync(join(dir, name)));
    if (existing.length > 0) throw new UsageError(`${existing.join(' and ')} already exist${existing.length === 1 ? 's' : ''}; init never overwrites a file`);
    for (const [name, content] of [scenario, test]) writeFileSync(join(dir, name), content, { flag: 'wx' });
    io.stdout(
      [
        `wrote ${scenario[0]} (a signup form's check-then-insert, with a unique index) and ${test[0]}`,
        'next:',
        `  npx racelab reproduce --scenario ./${scenario[0]}    # its violation rate, with evidence`,
        `  npx vitest run ${test[0]}                  # the same as a test (npm install --save-dev vitest first, if needed)`,
        '',
      ].join('\n'),
    );
    return EXIT.ok;
  },
};
