import { toErrorRecord } from './error-record.ts';
import type { ErrorRecord } from './contract/results.ts';
import type { Scenario } from './contract/scenario.ts';
import type { RunDatabase } from './contract/store.ts';

/**
 * A scenario's per-worker hooks, run on the worker's thread: `connect` makes what its ops use
 * (the application's own pool or ORM) from the run's database, `disconnect` closes it. Neither
 * runs inside an op, so their statements are nobody's step.
 */
export async function connectScenario(scenario: Scenario, database: RunDatabase): Promise<unknown> {
  return scenario.connect === undefined ? undefined : await scenario.connect(database);
}

export async function disconnectScenario(scenario: Scenario, connection: unknown): Promise<void> {
  if (scenario.disconnect !== undefined && connection !== undefined) await scenario.disconnect(connection);
}

/** A scenario hook's failure, named as the scenario's, not racelab's. */
export function scenarioHookError(scenario: Scenario, hook: 'connect' | 'disconnect', thrown: unknown): ErrorRecord {
  const record = toErrorRecord(thrown);
  return { ...record, message: `${scenario.name}: its ${hook} hook failed: ${record.message}` };
}
