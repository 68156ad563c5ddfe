/**
 * The gate's second look: after the stress run samples, a budgeted property search looks for an
 * interleaving that breaks each scenario. Sampling meets a race only as often as the machine's
 * timing lets ops overlap; the search makes them overlap on purpose.
 */
import type { Database, Isolation } from '../contract/store.ts';
import { Explorer } from './explorer.ts';
import { MAX_EXPLORE_WORKERS } from './schedule.ts';
import { searchForRace, type SearchResult } from './search.ts';


export interface SearchBudget {
  /** Inputs to try per scenario. */
  runs: number;
  /** Time cap per scenario, in milliseconds. */
  timeLimitMs: number;
}

/** What the search of one scenario found. */
export interface ScenarioSearch {
  scenario: string;
  /** How the command line names the scenario (a built-in's name, or the file's path), with `--db` when the database is not the default: replay commands use it. */
  argument: string;
  budget: SearchBudget;
  /** The level searched, for scenarios that take the configured one. */
  isolation: Isolation;
  result: SearchResult;
  elapsedMs: number;
  /** With a list of databases, the one searched on (its `--db` label). */
  database?: string;
}

/** Searches each scenario module in turn with the same budget; returns what each search found. */
export async function searchScenarios(
  database: Database,
  scenarios: readonly { module: string; argument: string }[],
  options: SearchBudget & { isolation: Isolation; signal?: AbortSignal },
): Promise<ScenarioSearch[]> {
  const searches: ScenarioSearch[] = [];
  for (const { module, argument } of scenarios) {
    const started = performance.now();
    const explorer = await Explorer.start(database, module, MAX_EXPLORE_WORKERS, options.signal);
    try {
      const result = await searchForRace(explorer, {
        runs: options.runs,
        isolations: [options.isolation],
        timeLimitMs: options.timeLimitMs,
        ...(options.signal && { signal: options.signal }),
      });
      const budget = { runs: options.runs, timeLimitMs: options.timeLimitMs };
      searches.push({ scenario: explorer.scenario.name, argument, budget, isolation: options.isolation, result, elapsedMs: performance.now() - started });
    } finally {
      await explorer.close();
    }
  }
  return searches;
}
