import { loadScenario, loadStoreOpener } from './load-module.ts';
import { WorkerOpContext } from './op-context.ts';
import { keyDrawerFor } from './key-modes.ts';
import { opOf } from './scenario-kind.ts';
import type { RunConfig } from './contract/run-config.ts';
import type { StatementTrace, StoreTarget } from './contract/store.ts';

/**
 * Runs one op of a scenario on this thread against a real table and returns the statements it
 * sent, in order, with their parameters and results: the scenario's SQL as the database saw it.
 */
export async function traceOp(
  scenarioModule: string,
  storeModule: string,
  target: StoreTarget,
  config: RunConfig,
): Promise<StatementTrace[]> {
  const scenario = await loadScenario(scenarioModule);
  const op = opOf(scenario, 'list --sql');
  const openStore = await loadStoreOpener(storeModule);
  const statements: StatementTrace[] = [];
  const store = await openStore(target, { onStatement: (trace) => statements.push(trace) });
  try {
    const ctx = new WorkerOpContext(store, keyDrawerFor(config, 0), config.maxAttempts, 0, config.isolation, target.database).begin(0);
    await op(ctx);
  } finally {
    if (store.inTransaction) await store.rollback().catch(() => undefined);
    await store.close();
  }
  return statements;
}
