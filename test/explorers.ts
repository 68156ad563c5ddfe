/** Explorers for tests that replay fixed schedules on a real database. */
import { Explorer } from '../harness/explore/explorer.ts';
import type { ExploreRun } from '../harness/explore/explore-run.ts';
import { orderPolicy, type ExploreInput } from '../harness/explore/schedule.ts';
import type { Database } from '../harness/contract/store.ts';
import { builtIn } from './run.ts';

/** Two workers, one op each, one key: the smallest input in which two ops can race. */
export const twoByOne: Omit<ExploreInput, 'choices'> = { workers: 2, opsPerWorker: 1, keySpace: 1, isolation: 'read-committed', keySeed: 0 };

/** Starts an explorer for one built-in scenario, runs `body`, and always stops it. */
export async function withExplorer<T>(database: Database, scenario: string, body: (explorer: Explorer) => Promise<T>, workers = 2): Promise<T> {
  const explorer = await Explorer.start(database, builtIn(scenario), workers);
  try {
    return await body(explorer);
  } finally {
    await explorer.close();
  }
}

/** Replays a fixed order of releases (1-based worker numbers, as printed). */
export const replay = (explorer: Explorer, order: readonly number[], input = twoByOne): Promise<ExploreRun> =>
  explorer.run(input, orderPolicy(order.map((w) => w - 1)));
