// Module hooks that let Node 20 import a user's TypeScript scenario file (Node 20 cannot strip
// types). Registered with module.register() by load-module.ts, only when a scenario file is
// TypeScript; racelab itself is compiled JavaScript. The TypeScript compiler transpiles each file
// alone (no type check), as the file's module system says: `.mts` (and `.ts` in a `"type":
// "module"` package) as ESM; `.cts` (and `.ts` elsewhere) as CommonJS, which Node's CommonJS loader
// then reads through the require hook that load-module.ts installs beside these.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { moduleFormatOf, transpile } from './typescript-transpile.mjs';

const TYPESCRIPT = /\.[mc]?ts$/;

/** `./util.js` written for a `util.ts` beside it, as TypeScript's NodeNext resolution has it. */
export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const parent = context.parentURL;
    if (!parent || !TYPESCRIPT.test(parent) || !/^\.\.?\//.test(specifier) || !/\.[mc]?js$/.test(specifier)) throw error;
    return nextResolve(specifier.replace(/js$/, 'ts'), context);
  }
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !TYPESCRIPT.test(url)) return nextLoad(url, context);
  const path = fileURLToPath(url);
  const format = moduleFormatOf(path);
  // CommonJS goes to Node's CommonJS loader, which reads the file through the require hook.
  if (format === 'commonjs') return { format, shortCircuit: true };
  return { format, source: transpile(await readFile(path, 'utf8'), path, format), shortCircuit: true };
}
