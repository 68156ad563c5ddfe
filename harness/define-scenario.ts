import type { Scenario, ScenarioDefinition } from './types.ts';

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Thrown for a scenario that cannot be run as written; the CLI reports it as bad input. */
export class ScenarioDefinitionError extends Error {
  override name = 'ScenarioDefinitionError';
}

/**
 * Declares a scenario: one strategy for saving a new session under concurrency, with what it is
 * expected to show and why. Built-in scenarios use this exactly as a user's scenario file will.
 *
 * @example
 * export default defineScenario({
 *   name: 'naive-save', expect: 'unsafe', why: '…', origin: '…',
 *   async op(ctx) { … return ctx.saved(row); },
 * });
 */
export function defineScenario(definition: ScenarioDefinition): Scenario {
  const problem = findProblem(definition);
  if (problem !== undefined) throw new ScenarioDefinitionError(`defineScenario: ${problem}`);
  return Object.freeze({ ...definition, kind: 'racelab.scenario' as const });
}

function findProblem(definition: ScenarioDefinition): string | undefined {
  if (typeof definition !== 'object' || definition === null) return 'expects an object';
  const { name, expect, why, origin, op } = definition;
  if (typeof name !== 'string' || !NAME.test(name)) {
    return `name must be lower-case words joined by dashes, got ${JSON.stringify(name)}`;
  }
  if (expect !== 'safe' && expect !== 'unsafe') return `${name}: expect must be 'safe' or 'unsafe'`;
  if (typeof why !== 'string' || why.trim() === '') return `${name}: why must say why it is ${expect}`;
  if (typeof origin !== 'string' || origin.trim() === '') return `${name}: origin must say where the pattern comes from`;
  if (typeof op !== 'function') return `${name}: op must be an async function`;
  return undefined;
}

export function isScenario(value: unknown): value is Scenario {
  return typeof value === 'object' && value !== null && (value as Scenario).kind === 'racelab.scenario';
}
