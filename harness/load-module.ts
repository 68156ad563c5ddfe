import { isScenario, ScenarioDefinitionError } from './define-scenario.ts';
import type { OpenStore, Scenario } from './types.ts';

/**
 * Loads a scenario by module URL. The engine and every worker load it the same way, so a
 * worker runs exactly the code the engine described.
 */
export async function loadScenario(moduleUrl: string): Promise<Scenario> {
  const exported: unknown = (await import(moduleUrl)).default;
  if (!isScenario(exported)) {
    throw new ScenarioDefinitionError(`${moduleUrl}: the default export is not a scenario made with defineScenario`);
  }
  return exported;
}

/** Loads a store's opener by module URL: the harness is handed stores, it never imports one. */
export async function loadStoreOpener(moduleUrl: string): Promise<OpenStore> {
  const exported: unknown = (await import(moduleUrl)).default;
  if (typeof exported !== 'function') {
    throw new TypeError(`${moduleUrl}: the default export must be a function that opens a session store`);
  }
  return exported as OpenStore;
}
