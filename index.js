// The package's entry. racelab ships TypeScript sources, and scenario files may be TypeScript
// too: tsx compiles them as they load (Node 20 cannot strip types).
import { register } from 'tsx/esm/api';

register();

const api = await import('./api/index.ts');

export const { defineScenario, ScenarioDefinitionError, isUniqueViolation, race, expectRaceFree, RaceError, RaceFoundError } = api;
