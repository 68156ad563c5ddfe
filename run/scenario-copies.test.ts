import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importsOf, planScenarioCopies, programFilesOf, rerunScenarios, writeScenarioCopies } from './scenario-copies.ts';

const work = mkdtempSync(join(tmpdir(), 'racelab-copies-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("scenario files copied into the report's directory", () => {
  it('copies each file once under scenarios/, names two of one basename apart, and the rerun names the copies', async () => {
    for (const dir of ['a', 'b']) mkdirSync(join(work, 'project', dir), { recursive: true });
    writeFileSync(join(work, 'project', 'package.json'), JSON.stringify({ type: 'module' }));
    writeFileSync(join(work, 'project', 'a', 'signup.race.ts'), "import { defineScenario } from 'racelab';\nimport { db } from './db.ts';\n");
    writeFileSync(join(work, 'project', 'b', 'signup.race.ts'), "import pg from 'pg';\n");
    // Paths as a user in the project types them.
    const given = ['a/signup.race.ts', 'naive-save', 'b/signup.race.ts'].map((file) => (file.includes('/') ? `./${relative(process.cwd(), join(work, 'project', file))}` : file));
    const copies = await planScenarioCopies(given);
    expect(copies).toEqual([
      { given: given[0], copy: 'scenarios/signup.race.ts', imports: ['./db.ts'], packages: ['racelab'] },
      { given: given[2], copy: 'scenarios/signup-2.race.ts', imports: [], packages: ['pg'] },
    ]);
    expect(rerunScenarios(given, copies)).toEqual(['./scenarios/signup.race.ts', 'naive-save', './scenarios/signup-2.race.ts']);

    const report = join(work, 'report');
    await writeScenarioCopies(report, copies);
    expect(readFileSync(join(report, 'scenarios', 'signup-2.race.ts'), 'utf8')).toBe("import pg from 'pg';\n");
    // They load as ESM wherever the directory goes, as they did in their project.
    expect(JSON.parse(readFileSync(join(report, 'scenarios', 'package.json'), 'utf8'))).toEqual({ type: 'module' });
  });

  it('plans nothing for built-in scenarios', async () => {
    expect(await planScenarioCopies(['naive-save', 'atomic-create'])).toEqual([]);
    await writeScenarioCopies(join(work, 'none'), []);
    expect(existsSync(join(work, 'none', 'scenarios'))).toBe(false);
  });

  it('finds what a file imports: relative files and packages, not Node’s modules, not comments or templates', () => {
    const source = [
      "import { defineScenario } from 'racelab';",
      "import type { Row } from './types.ts';",
      "// import old from './old.ts';",
      '/* import gone from "./gone.ts"; */',
      "import { readFile } from 'node:fs/promises';",
      "import { join } from 'path';",
      "export { helper } from '../lib/helper.js';",
      "import {\n  a,\n} from '@acme/db/client';",
      "const text = `import x from './quoted.ts'`;",
      "const url = 'http://example.com//x';",
      "const late = await import('./late.ts');",
      "const cjs = require('./legacy.cjs');",
      "import './side-effect.js';",
    ].join('\n');
    expect(importsOf(source)).toEqual({
      imports: ['./types.ts', '../lib/helper.js', './late.ts', './legacy.cjs', './side-effect.js'],
      packages: ['racelab', '@acme/db'],
    });
  });

  it("names the files a command scenario's command runs, which its copy would run from the report's directory", () => {
    mkdirSync(join(work, 'app', 'django', 'bin'), { recursive: true });
    writeFileSync(join(work, 'app', 'django', 'sessions_race.py'), '');
    writeFileSync(join(work, 'app', 'django', 'bin', 'migrate.sh'), '');
    const scenario = join(work, 'app', 'save.race.ts');
    expect(
      programFilesOf(scenario, { run: ['/usr/bin/python3', '-u', 'sessions_race.py', 'save'], setup: ['./bin/migrate.sh', 'sessions_race.py', 'missing.py'], cwd: 'django' }),
    ).toEqual(['./django/sessions_race.py', './django/bin/migrate.sh']);
    // A program on PATH, a flag, a word that is no file: nothing to copy.
    expect(programFilesOf(scenario, { run: ['python3', '-c', 'print(1)'] })).toEqual([]);
  });
});
