// Transpiles one TypeScript file as its module system says, for typescript-hooks.mjs (ESM) and
// the require hook of load-module.ts (CommonJS). The compiler is loaded on first use only, and a
// file's output is kept in racelab's cache: every worker thread imports the scenario file again,
// and loading the compiler cost each of them about a second of CPU, more than a short run's ops.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

let ts;

/**
 * What shapes the output besides the source and the compiler: part of every cache key, so that a
 * racelab that compiles otherwise never reads another's output. Change it with compile()'s options.
 */
const OUTPUT_SHAPE = 'es2022 esModuleInterop inlineSourceMap 1';

/** `module` for `.mts`, and for `.ts` under a `"type": "module"` package.json; `commonjs` otherwise, as Node decides for `.js`. */
export function moduleFormatOf(path) {
  if (path.endsWith('.mts')) return 'module';
  if (path.endsWith('.cts')) return 'commonjs';
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) return JSON.parse(readFileSync(manifest, 'utf8')).type === 'module' ? 'module' : 'commonjs';
    if (dirname(dir) === dir) return 'commonjs';
  }
}

/**
 * racelab's cache (`RACELAB_CACHE_DIR`, else `$XDG_CACHE_HOME/racelab`, else `~/.cache/racelab`),
 * as stores/postgres/versions.ts has it.
 */
function cacheDirectory() {
  const env = process.env;
  return env.RACELAB_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'racelab');
}

/** The compiler's version, read from its package.json: part of the key, without loading the compiler. */
function compilerVersion() {
  const require = createRequire(import.meta.url);
  return JSON.parse(readFileSync(join(dirname(require.resolve('typescript')), '..', 'package.json'), 'utf8')).version;
}

/**
 * The output for this source, path, format and compiler, from the cache; else transpiled and
 * kept there. The key is a hash of all four, so an edited file is a new entry and nothing read is
 * ever stale. A cache that cannot be read or written only costs the compile.
 */
export function transpile(source, path, format) {
  let file;
  try {
    const key = createHash('sha256').update(`${OUTPUT_SHAPE}\0${compilerVersion()}\0${format}\0${path}\0${source}`).digest('hex');
    file = join(cacheDirectory(), 'transpiled', key.slice(0, 2), `${key}.js`);
    return readFileSync(file, 'utf8');
  } catch {
    // Not cached yet, or no cache to be had.
  }
  const output = compile(source, path, format);
  if (file !== undefined) {
    try {
      mkdirSync(dirname(file), { recursive: true });
      // Written aside and renamed: a thread that reads it never sees half a file.
      const partial = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
      try {
        writeFileSync(partial, output);
        renameSync(partial, file);
      } finally {
        rmSync(partial, { force: true });
      }
    } catch {
      // A read-only home: every thread compiles, as before there was a cache.
    }
  }
  return output;
}

function compile(source, path, format) {
  ts ??= createRequire(import.meta.url)('typescript');
  const { outputText, diagnostics = [] } = ts.transpileModule(source, {
    fileName: path,
    // Transpiling recovers from syntax errors and emits something anyway: report the first instead.
    reportDiagnostics: true,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: format === 'module' ? ts.ModuleKind.ESNext : ts.ModuleKind.CommonJS,
      esModuleInterop: true,
      sourceMap: false,
      inlineSourceMap: true,
    },
  });
  const [first] = diagnostics;
  if (first) {
    const { line, character } = first.file ? first.file.getLineAndCharacterOfPosition(first.start ?? 0) : { line: 0, character: 0 };
    throw new SyntaxError(`TypeScript syntax error at line ${line + 1}, column ${character + 1}: ${ts.flattenDiagnosticMessageText(first.messageText, ' ')}`);
  }
  return outputText;
}
