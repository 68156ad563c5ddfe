/**
 * A user's scenario file travels with its report: each is copied into the report's directory,
 * under `scenarios/`, and the rerun command names the copy. The file on the user's disk may change
 * or be gone by the time a maintainer reruns the evidence; the copy is what ran.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import type { CommandSpec } from '../harness/contract/scenario.ts';
import type { ScenarioFileCopy } from '../harness/report-input.ts';
import { isScenarioFile } from './scenario-modules.ts';

/** The folder of the report's directory that holds the copies. */
const SCENARIOS_DIR = 'scenarios';

/**
 * Names a copy for each scenario file among `scenarios` (built-in names are not files), one name
 * per file even when two share a basename, and finds the relative imports each makes, which are
 * not copied. Reads the files; writes nothing.
 */
export async function planScenarioCopies(scenarios: readonly string[]): Promise<ScenarioFileCopy[]> {
  const copies: ScenarioFileCopy[] = [];
  const taken = new Set<string>();
  const byPath = new Map<string, string>();
  for (const given of scenarios.filter(isScenarioFile)) {
    const path = resolve(given);
    let name = byPath.get(path);
    if (name === undefined) {
      name = uniqueName(basename(path), taken);
      taken.add(name);
      byPath.set(path, name);
    }
    copies.push({ given, copy: `${SCENARIOS_DIR}/${name}`, ...importsOf(await readFile(path, 'utf8')) });
  }
  return copies;
}

/**
 * Copies each planned file into `dir` (the report's directory). A `.js` or `.ts` file is ESM or
 * CommonJS as the nearest package.json says; the copies get one of their own saying the same, so
 * that they load as the originals did wherever the directory is taken. (Files from projects that
 * disagree get none: there is no one answer for them.)
 */
export async function writeScenarioCopies(dir: string, copies: readonly ScenarioFileCopy[]): Promise<void> {
  for (const { given, copy } of copies) {
    await mkdir(dirname(join(dir, copy)), { recursive: true });
    await copyFile(resolve(given), join(dir, copy));
  }
  const types = new Set(copies.filter(({ given }) => /\.(js|ts)$/.test(given)).map(({ given }) => packageType(resolve(given))));
  if (types.size === 1) await writeFile(join(dir, SCENARIOS_DIR, 'package.json'), `${JSON.stringify({ type: [...types][0] })}\n`);
}

/** `module` or `commonjs`, as Node decides for a `.js` file at `path` (and racelab for a `.ts` one). */
function packageType(path: string): 'module' | 'commonjs' {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: string }).type === 'module' ? 'module' : 'commonjs';
      } catch {
        return 'commonjs';
      }
    }
    if (dirname(dir) === dir) return 'commonjs';
  }
}

/**
 * The files a command scenario's command runs (its script, say), as the copy of `scenarioPath`
 * would name them: each word of `run` and `setup` that is a relative path to a file in the
 * command's directory. The copy runs them from its own directory, where they are not.
 */
export function programFilesOf(scenarioPath: string, command: CommandSpec): string[] {
  const fileDir = dirname(resolve(scenarioPath));
  const cwd = resolve(fileDir, command.cwd ?? '.');
  const files = new Set<string>();
  for (const word of [...command.run, ...(command.setup ?? [])]) {
    if (word === '' || isAbsolute(word) || word.startsWith('-')) continue;
    const path = resolve(cwd, word);
    if (!existsSync(path) || !statSync(path).isFile()) continue;
    const named = relative(fileDir, path);
    files.add(named.startsWith('..') ? named : `./${named}`);
  }
  return [...files];
}

/** The scenario arguments a rerun in the report's directory gives: each file's copy, built-in names as they are. */
export function rerunScenarios(scenarios: readonly string[], copies: readonly ScenarioFileCopy[]): string[] {
  return scenarios.map((given) => {
    const copy = copies.find((c) => c.given === given);
    return copy ? `./${copy.copy}` : given;
  });
}

/** `signup.race.ts`, then `signup-2.race.ts`: everything after the first dot is kept as the extension. */
function uniqueName(name: string, taken: ReadonlySet<string>): string {
  const dot = name.indexOf('.', 1);
  const [stem, extension] = dot === -1 ? [name, extname(name)] : [name.slice(0, dot), name.slice(dot)];
  let candidate = name;
  for (let n = 2; taken.has(candidate); n++) candidate = `${stem}-${n}${extension}`;
  return candidate;
}

/**
 * What a file imports or requires, in the order it appears: the relative files (`./util.ts`),
 * which were not copied, and the packages (`racelab`, `pg`), which must be installed where the
 * copy runs; Node's own modules are neither. Import statements, `export … from`, and `import()`
 * or `require()` of a quoted name count. A scan, not a parse (loading the TypeScript compiler for
 * it would cost seconds): an import spelled otherwise is missed, and one inside a comment or a
 * template literal is not counted.
 */
export function importsOf(source: string): Pick<ScenarioFileCopy, 'imports' | 'packages'> {
  const code = withoutComments(source);
  const patterns = [/\b(?:import|export)\b[^'"`;]*?\bfrom\s*(['"])([^'"]+)\1/g, /\bimport\s*(['"])([^'"]+)\1/g, /\b(?:import|require)\s*\(\s*(['"])([^'"]+)\1\s*\)/g];
  const hits: { at: number; specifier: string }[] = [];
  for (const pattern of patterns) for (const match of code.matchAll(pattern)) hits.push({ at: match.index, specifier: match[2]! });
  const imports = new Set<string>();
  const packages = new Set<string>();
  for (const { specifier } of hits.sort((a, b) => a.at - b.at)) {
    if (specifier.startsWith('./') || specifier.startsWith('../')) imports.add(specifier);
    else if (!specifier.startsWith('node:') && !specifier.startsWith('/') && !isBuiltin(specifier)) {
      // `@scope/name/sub` and `name/sub` are installed as `@scope/name` and `name`.
      packages.add(specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/'));
    }
  }
  return { imports: [...imports], packages: [...packages] };
}

/**
 * The source with its comments and template literals blanked out, so that a commented-out import,
 * or one quoted in a template, is not one. Quoted strings are kept whole: a `//` in one is no
 * comment, and a specifier is one.
 */
function withoutComments(source: string): string {
  const token = /(['"])(?:\\.|(?!\1)[^\\\n])*\1|`(?:\\[\s\S]|[^\\`])*`|\/\*[\s\S]*?\*\/|\/\/[^\n]*/g;
  return source.replace(token, (match) => (match.startsWith("'") || match.startsWith('"') ? match : match.replace(/[^\n]/g, ' ')));
}
