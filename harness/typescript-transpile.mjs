// Transpiles one TypeScript file as its module system says, for typescript-hooks.mjs (ESM) and
// the require hook of load-module.ts (CommonJS). The compiler is loaded on first use only.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let ts;

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

export function transpile(source, path, format) {
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
