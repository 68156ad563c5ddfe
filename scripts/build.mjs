// Builds the package into dist/: the ESM build with its declarations, the CommonJS copy of what
// `require('racelab')` gives synchronously, and the CommonJS entry around it.
// `--if-stale` builds only when a source is newer than the last build: `npm run reproduce` and
// `npm test` in a checkout call it, so a fresh clone needs no step of its own.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const at = (path) => `${root}${path}`;
const SOURCES = ['harness', 'scenarios', 'stores', 'reports', 'run', 'cli', 'api', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'tsconfig.cjs.json'];
const STAMP = at('dist/.built');

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(`${path}/${name}`)));
}

if (process.argv.includes('--if-stale') && existsSync(STAMP) && statSync(STAMP).mtimeMs >= Math.max(...SOURCES.map((s) => newest(at(s))))) process.exit(0);

const tsc = (project) => execFileSync(process.execPath, [at('node_modules/typescript/bin/tsc'), '-p', project], { cwd: root, stdio: 'inherit' });
rmSync(at('dist'), { recursive: true, force: true });
tsc('tsconfig.build.json');
tsc('tsconfig.cjs.json');
mkdirSync(at('dist/cjs'), { recursive: true });
// Files under dist/cjs/ are CommonJS whatever racelab's own package.json says.
writeFileSync(at('dist/cjs/package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
copyFileSync(at('api/index.cjs'), at('dist/cjs/index.cjs'));
writeFileSync(STAMP, `${new Date().toISOString()}\n`);
