/**
 * What the CommonJS entry gives synchronously: everything a scenario file needs to define a
 * scenario. Compiled a second time as CommonJS (tsconfig.cjs.json), so `require('racelab')` works.
 */
export { defineScenario, ScenarioDefinitionError } from '../harness/define-scenario.ts';
export { isUniqueViolation } from '../harness/classify.ts';
