/**
 * racelab as a library: `defineScenario` for scenario files, `race` to run one from code, and
 * `expectRaceFree` to assert in a test that it is race-free.
 */
export { defineScenario, ScenarioDefinitionError } from '../harness/define-scenario.ts';
export { isUniqueViolation } from '../harness/classify.ts';
export { race, expectRaceFree, RaceError, RaceFoundError, type RaceOptions } from './race.ts';
export type { Expectation, Outcome } from '../harness/contract/outcomes.ts';
export type { KeyMode } from '../harness/contract/run-config.ts';
export type { AuditProblem, CommandSpec, OpContext, OpResult, Scenario, ScenarioDefinition } from '../harness/contract/scenario.ts';
export type { Capability, DatabaseFamily, Isolation, QueryClient, RunConnectionOptions, RunDatabase, SessionRow, SessionStore } from '../harness/contract/store.ts';
export type { JsonReport } from '../reports/json-report.ts';
