import { isScenario, ScenarioDefinitionError } from './define-scenario.ts';
import type { OpenStore, Scenario } from './types.ts';

/**
 * racelab's own tests run its TypeScript sources under a loader that already handles TypeScript
 * (vitest's, or tsx as the worker entry registers it); the package runs compiled JavaScript.
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
 * compiled, and a user's `.ts` file is the only thing that needs tsx (Node 20 cannot strip types).
 * tsx's ESM loader handles `.ts`, `.mts` and `.cts`, in projects of either module type.
 */
async function registerTypeScript(): Promise<void> {
  const flag = Symbol.for('racelab.tsx');
  const state = globalThis as { [flag]?: boolean };
  if (state[flag]) return;
  state[flag] = true;
  // ESM files through the ESM hooks, and files compiled to CommonJS (and what they require)
  // through the CommonJS ones.
  (await import('tsx/esm/api')).register();
  (await import('tsx/cjs/api')).register();
}

/** Loads a store's opener by module URL: the harness is handed stores, it never imports one. */
export async function loadStoreOpener(moduleUrl: string): Promise<OpenStore> {
  const exported: unknown = (await import(moduleUrl)).default;
  if (typeof exported !== 'function') {
    throw new TypeError(`${moduleUrl}: the default export must be a function that opens a session store`);
  }
  return exported as OpenStore;
}
