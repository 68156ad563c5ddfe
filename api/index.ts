/**
 * racelab as a library: `defineScenario` for scenario files, `race` to run one from code, and
 * `expectRaceFree` to assert in a test that it is race-free.
 */
export { defineScenario, ScenarioDefinitionError } from '../harness/define-scenario.ts';
export { isUniqueViolation } from '../harness/classify.ts';
export { race, expectRaceFree, RaceError, RaceFoundError, type RaceOptions } from './race.ts';
export type {
  AuditProblem,
  Capability,
  DatabaseFamily,
  Expectation,
  Isolation,
  KeyMode,
  OpContext,
  OpResult,
  Outcome,
  QueryClient,
  RunConnectionOptions,
  RunDatabase,
  Scenario,
  ScenarioDefinition,
  SessionRow,
  SessionStore,
} from '../harness/types.ts';
export type { JsonReport } from '../reports/json.ts';
