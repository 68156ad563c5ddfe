'use strict';
// The CommonJS entry of racelab, for `require('racelab')` and for scenario files that TypeScript
// or a bundler turns into CommonJS. defineScenario and isUniqueViolation come from a CommonJS
// build of their own; the engine is ESM, so what runs it (race, expectRaceFree) loads it on first
// call and returns a promise, as it does from ESM. Errors it throws are the ESM build's classes:
// tell them by `error.name` ('RaceError', 'RaceFoundError') rather than `instanceof` here.
const define = require('./api/define.js');

const engine = () => import('../api/index.js');

module.exports = {
  defineScenario: define.defineScenario,
  ScenarioDefinitionError: define.ScenarioDefinitionError,
  isUniqueViolation: define.isUniqueViolation,
  race: async (...args) => (await engine()).race(...args),
  expectRaceFree: async (...args) => (await engine()).expectRaceFree(...args),
};
