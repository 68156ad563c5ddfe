import { readFileSync } from 'node:fs';
import module, { createRequire } from 'node:module';
import { isScenario, ScenarioDefinitionError } from './define-scenario.ts';
import type { Scenario } from './contract/scenario.ts';
import type { DriverInterception, OpenStore } from './contract/store.ts';

/**
 * racelab's own tests run its TypeScript sources under a loader that already handles TypeScript
 * (vitest's, or tsx as the worker entry registers it); the package runs compiled JavaScript and
 * brings its own hooks for a user's TypeScript.
 */
const RUNNING_FROM_SOURCES = import.meta.url.endsWith('.ts');

/**
 * Loads a scenario by module URL. The engine and every worker load it the same way, so a
 * worker runs exactly the code the engine described.
 */
export async function loadScenario(moduleUrl: string): Promise<Scenario> {
  if (!RUNNING_FROM_SOURCES && /\.[mc]?ts$/.test(new URL(moduleUrl).pathname)) await registerTypeScript();
  const exported = scenarioExport((await import(moduleUrl)).default);
  if (!isScenario(exported)) {
    throw new ScenarioDefinitionError(`${moduleUrl}: the default export is not a scenario made with defineScenario`);
  }
  return exported;
}

/**
 * A scenario file's default export. A module compiled to CommonJS (a `.cts` file, or a `.ts` file
 * in a CommonJS project) keeps `export default` as `exports.default`, which import() wraps once
 * more.
 */
function scenarioExport(exported: unknown): unknown {
  const inner = (exported as { default?: unknown } | null)?.default;
  return !isScenario(exported) && isScenario(inner) ? inner : exported;
}

/**
 * Lets this thread import TypeScript, the first time a scenario file needs it: racelab itself is
 * compiled, and a user's `.ts`, `.mts` or `.cts` file is the only thing that needs it (Node 20
 * cannot strip types; later ones strip only a part of TypeScript). ESM files go through module
 * hooks (typescript-hooks.mjs); files that are CommonJS (`.cts`, and `.ts` outside a `"type":
 * "module"` package), and what they require, through Node's CommonJS loader, which reads them
 * through the require hook installed here. Both transpile with the TypeScript compiler, which has
 * no install script.
 */
/** The Node major from which module.register() is deprecated at run time (DEP0205). */
const REGISTER_DEPRECATED_FROM = 26;

async function registerTypeScript(): Promise<void> {
  const flag = Symbol.for('racelab.typescript');
  const state = globalThis as { [flag]?: boolean };
  if (state[flag]) return;
  state[flag] = true;
  const hooksUrl = new URL('./typescript-hooks.mjs', import.meta.url);
  // module.register() prints a deprecation warning from Node 26 on (DEP0205): there, its successor.
  // Not before: registerHooks() exists from 22.15, but until late 24.x releases it refuses a load hook
  // that leaves a CommonJS file's source to Node's CommonJS loader (ERR_INVALID_RETURN_PROPERTY_VALUE,
  // nodejs/node#57327), which is what the hooks do for `.cts` and CommonJS `.ts` files.
  const modern = module as { registerHooks?: (hooks: object) => unknown };
  if (modern.registerHooks !== undefined && Number(process.versions.node.split('.')[0]) >= REGISTER_DEPRECATED_FROM) {
    modern.registerHooks(((await import(hooksUrl.href)) as { syncHooks: object }).syncHooks);
  } else module.register(hooksUrl);
  const { transpile } = (await import(new URL('./typescript-transpile.mjs', import.meta.url).href)) as {
    transpile: (source: string, path: string, format: 'module' | 'commonjs') => string;
  };
  const extensions = (createRequire(import.meta.url)('node:module') as { _extensions: Record<string, unknown> })._extensions;
  for (const extension of ['.ts', '.cts']) {
    extensions[extension] = (module: { _compile(source: string, path: string): void }, path: string) =>
      module._compile(transpile(readFileSync(path, 'utf8'), path, 'commonjs'), path);
  }
}

/** Loads a store's opener by module URL: the harness is handed stores, it never imports one. */
export async function loadStoreOpener(moduleUrl: string): Promise<OpenStore> {
  return (await loadStoreModule(moduleUrl)).open;
}

/** A store's worker module: its opener, and how it intercepts its driver (its `driver` export), when it does. */
export async function loadStoreModule(moduleUrl: string): Promise<{ open: OpenStore; driver: DriverInterception | undefined }> {
  const module = (await import(moduleUrl)) as { default?: unknown; driver?: DriverInterception };
  if (typeof module.default !== 'function') {
    throw new TypeError(`${moduleUrl}: the default export must be a function that opens a session store`);
  }
  return { open: module.default as OpenStore, driver: module.driver };
}
