// Module hooks that let Node import a user's TypeScript scenario file the same way on every Node
// racelab supports: Node 20 cannot strip types, and the stripping of later ones refuses enums,
// namespaces and parameter properties. Registered by load-module.ts, only when a scenario file is
// TypeScript; racelab itself is compiled JavaScript. The TypeScript compiler transpiles each file
// alone (no type check), as the file's module system says: `.mts` (and `.ts` in a `"type":
// "module"` package) as ESM; `.cts` (and `.ts` elsewhere) as CommonJS, which Node's CommonJS loader
// then reads through the require hook that load-module.ts installs beside these.
//
// Two ways to register them (load-module.ts chooses): module.registerHooks() on Node 26 and later,
// where module.register() is deprecated (DEP0205), runs `syncHooks` in the importing thread;
// module.register() on older Node loads this file in a thread of its own and calls its `resolve`
// and `load` exports.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { moduleFormatOf, transpile } from './typescript-transpile.mjs';

const TYPESCRIPT = /\.[mc]?ts$/;

/** `./util.js` written for a `util.ts` beside it, as TypeScript's NodeNext resolution has it: the specifier to try instead, if any. */
function typeScriptSibling(specifier, context) {
  const parent = context.parentURL;
  if (!parent || !TYPESCRIPT.test(parent) || !/^\.\.?\//.test(specifier) || !/\.[mc]?js$/.test(specifier)) return undefined;
  return specifier.replace(/js$/, 'ts');
}

/** For module.register(): `nextResolve` returns a promise there. */
export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const sibling = typeScriptSibling(specifier, context);
    if (sibling === undefined) throw error;
    return nextResolve(sibling, context);
  }
}

/** Both ways: returns what `nextLoad` returns (a promise under module.register()) for anything but TypeScript. */
export function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !TYPESCRIPT.test(url)) return nextLoad(url, context);
  const path = fileURLToPath(url);
  const format = moduleFormatOf(path);
  // CommonJS goes to Node's CommonJS loader, which reads the file through the require hook.
  if (format === 'commonjs') return { format, shortCircuit: true };
  return { format, source: transpile(readFileSync(path, 'utf8'), path, format), shortCircuit: true };
}

/** For module.registerHooks(): every hook synchronous. */
export const syncHooks = {
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      const sibling = typeScriptSibling(specifier, context);
      if (sibling === undefined) throw error;
      return nextResolve(sibling, context);
    }
  },
  load,
};
