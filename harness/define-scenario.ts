import { pathToFileURL } from 'node:url';
import type { Expectation } from './contract/outcomes.ts';
import type { Scenario, ScenarioDefinition } from './contract/scenario.ts';
import { ALL_ISOLATIONS, CAPABILITIES, DATABASE_FAMILIES, type DatabaseFamily, type Isolation } from './contract/store.ts';
import { sessionKeyAt } from './session-keys.ts';

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** The property of a scenario that names none. */
const DEFAULT_PROPERTY = 'every op does its job without an error from a race, and no audit finds damage';

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
export function defineScenario<C = unknown>(definition: ScenarioDefinition<C>): Scenario<C> {
  const problem = findProblem(definition as ScenarioDefinition);
  if (problem !== undefined) throw new ScenarioDefinitionError(`defineScenario: ${problem}`);
  const module = callerModule();
  return Object.freeze({
    ...definition,
    origin: definition.origin ?? (module ? `scenario file ${module}` : 'a scenario of your own'),
    property: definition.property ?? DEFAULT_PROPERTY,
    kind: 'racelab.scenario' as const,
    ...(module !== undefined && { module }),
  });
}

/**
 * The URL of the module that called defineScenario, from V8's own call sites (a file URL for ESM,
 * a path of this platform's for CommonJS): worker threads load a scenario object handed to race()
 * from there. Undefined when it cannot be told.
 */
function callerModule(): string | undefined {
  const original = Error.prepareStackTrace;
  try {
    Error.prepareStackTrace = (_, calls) => calls;
    const calls = new Error().stack as unknown as NodeJS.CallSite[];
    for (const call of calls) {
      const file = call.getFileName();
      if (file === undefined || file === null || file.startsWith('node:') || /define-scenario\.[cm]?[jt]s$/.test(file)) continue;
      return file.startsWith('file://') ? file : pathToFileURL(file).href;
    }
    return undefined;
  } finally {
    Error.prepareStackTrace = original;
  }
}

function findProblem(definition: ScenarioDefinition): string | undefined {
  if (typeof definition !== 'object' || definition === null) return 'expects an object';
  const { name, expect, why, origin, op } = definition;
  if (typeof name !== 'string' || !NAME.test(name)) {
    return `name must be lower-case words joined by dashes, got ${JSON.stringify(name)}`;
  }
  if (expect !== 'safe' && expect !== 'unsafe') return `${name}: expect must be 'safe' or 'unsafe'`;
  if (typeof why !== 'string' || why.trim() === '') return `${name}: why must say why it is ${expect}`;
  if (origin !== undefined && (typeof origin !== 'string' || origin.trim() === '')) return `${name}: origin, when given, must say where the pattern comes from`;
  const { command } = definition;
  if (op !== undefined && command !== undefined) return `${name}: has both op and command; a scenario's ops run either in racelab (op) or in a program's processes (command)`;
  if (command !== undefined) {
    const problem = commandProblem(command);
    if (problem !== undefined) return `${name}: ${problem}`;
    if (definition.connect !== undefined || definition.disconnect !== undefined) return `${name}: connect and disconnect are for an op's own pool; a command's processes connect by themselves`;
  } else if (typeof op !== 'function') return `${name}: op must be an async function (or command, a program that does the ops)`;
  if (definition.setup !== undefined && typeof definition.setup !== 'function') return `${name}: setup must be an async function`;
  if (definition.audit !== undefined && typeof definition.audit !== 'function') return `${name}: audit must be an async function`;
  if (definition.connect !== undefined && typeof definition.connect !== 'function') return `${name}: connect must be a function that makes what each worker's ops use`;
  if (definition.disconnect !== undefined && typeof definition.disconnect !== 'function') return `${name}: disconnect must be a function that closes what connect made`;
  const keyValueProblem = findKeyValueProblem(name, definition.keyValue);
  if (keyValueProblem !== undefined) return keyValueProblem;
  const { isolation, expectUnder } = definition;
  if (isolation !== undefined && isolation !== 'configured' && !ALL_ISOLATIONS.includes(isolation)) {
    return `${name}: isolation must be 'configured' or one of ${ALL_ISOLATIONS.join(', ')}`;
  }
  const { needs } = definition;
  if (needs !== undefined && (!Array.isArray(needs) || needs.some((need) => !(CAPABILITIES as readonly string[]).includes(need)))) {
    return `${name}: needs must list some of ${CAPABILITIES.join(', ')}`;
  }
  const levelsProblem = (field: string, levels: object | undefined) => {
    if (levels === undefined) return undefined;
    if (isolation !== 'configured') return `${name}: ${field} needs isolation: 'configured'`;
    for (const [level, override] of Object.entries(levels) as [string, { expect?: unknown; why?: unknown }][]) {
      if (!(ALL_ISOLATIONS as readonly string[]).includes(level)) return `${name}: ${field} has an unknown level ${JSON.stringify(level)}`;
      if (override.expect !== 'safe' && override.expect !== 'unsafe') return `${name}: ${field}.${level}.expect must be 'safe' or 'unsafe'`;
      if (typeof override.why !== 'string' || override.why.trim() === '') return `${name}: ${field}.${level}.why must say why`;
    }
    return undefined;
  };
  const problem = levelsProblem('expectUnder', expectUnder);
  if (problem !== undefined) return problem;
  for (const [family, on] of Object.entries(definition.expectOn ?? {})) {
    if (!(DATABASE_FAMILIES as readonly string[]).includes(family)) return `${name}: expectOn has an unknown database family ${JSON.stringify(family)} (${DATABASE_FAMILIES.join(', ')})`;
    if (on.expect !== 'safe' && on.expect !== 'unsafe') return `${name}: expectOn.${family}.expect must be 'safe' or 'unsafe'`;
    if (typeof on.why !== 'string' || on.why.trim() === '') return `${name}: expectOn.${family}.why must say why`;
    const underProblem = levelsProblem(`expectOn.${family}.under`, on.under);
    if (underProblem !== undefined) return underProblem;
  }
  return undefined;
}

function commandProblem(command: unknown): string | undefined {
  if (typeof command !== 'object' || command === null) return 'command must be an object: { run: [program, ...args] }';
  const { run, setup, cwd } = command as { run?: unknown; setup?: unknown; cwd?: unknown };
  const argv = (value: unknown) => Array.isArray(value) && value.length > 0 && value.every((part) => typeof part === 'string') && value[0] !== '';
  if (!argv(run)) return 'command.run must be the program and its arguments, a non-empty array of strings';
  if (setup !== undefined && !argv(setup)) return 'command.setup, when given, must be a program and its arguments, a non-empty array of strings';
  if (cwd !== undefined && (typeof cwd !== 'string' || cwd === '')) return 'command.cwd, when given, must be a directory';
  return undefined;
}

/**
 * `keyValue` is tried once, here, on a key as ops draw them: a function that throws or returns no
 * string would otherwise leave every report naming keys as if it were not there, and nobody would
 * know why.
 */
function findKeyValueProblem(name: string, keyValue: unknown): string | undefined {
  if (keyValue === undefined) return undefined;
  const rule = `${name}: keyValue must be a function that returns the scenario's own value for a drawn key (a non-empty string)`;
  if (typeof keyValue !== 'function') return rule;
  const key = sessionKeyAt(16);
  let value: unknown;
  try {
    value = keyValue(key);
  } catch (error) {
    return `${rule}; for the key ${key} it threw: ${error instanceof Error ? error.message : String(error)}`;
  }
  return typeof value === 'string' && value !== '' ? undefined : `${rule}; for the key ${key} it returned ${JSON.stringify(value) ?? String(value)}`;
}

/**
 * What a scenario is expected to show on a database family under the run's isolation level, and
 * the level it runs at. The family's own declaration (`expectOn`) replaces the general one whole,
 * levels included: a reason given for one database is never shown for another.
 */
export function expectationUnder(
  scenario: ScenarioDefinition,
  configured: Isolation,
  family: DatabaseFamily,
): { expect: Expectation; why: string; isolation: Isolation | 'autocommit' } {
  const on = scenario.expectOn?.[family];
  const general = on ?? { expect: scenario.expect, why: scenario.why };
  const levels = on ? on.under : scenario.expectUnder;
  if (scenario.isolation === undefined) return { expect: general.expect, why: general.why, isolation: 'autocommit' };
  if (scenario.isolation !== 'configured') return { expect: general.expect, why: general.why, isolation: scenario.isolation };
  const override = levels?.[configured];
  return { ...(override ?? { expect: general.expect, why: general.why }), isolation: configured };
}

export function isScenario(value: unknown): value is Scenario {
  return typeof value === 'object' && value !== null && (value as Scenario).kind === 'racelab.scenario';
}
