import { reproduce } from '../harness/reproduce.ts';
import { threadsFor } from '../harness/thread-count.ts';
import type { Finding } from '../harness/finding.ts';
import type { RunConfig } from '../harness/contract/run-config.ts';
import type { Database } from '../harness/contract/store.ts';
import { BUILT_IN_SCENARIOS } from '../scenarios/index.ts';


export const fixture = (name: string) => new URL(`./fixtures/${name}.ts`, import.meta.url).href;

export const fixturePath = (name: string) => new URL(`./fixtures/${name}.ts`, import.meta.url).pathname;

export const builtIn = (name: string) => BUILT_IN_SCENARIOS[name]!;

export const DEFAULTS: Omit<RunConfig, 'threads'> = {
  workers: 4,
  opsPerWorker: 500,
  keys: 'shrunk',
  keySpace: 16,
  occupancy: 0.25,
  maxAttempts: 10_000,
  seed: 7,
  isolation: 'read-committed',
  opTimeoutMs: 10_000,
};

/** Runs scenarios through the real engine and worker threads; returns their findings by name. */
export async function runScenarios(
  database: Database,
  modules: readonly string[],
  config: Partial<RunConfig> = {},
): Promise<Record<string, Finding>> {
  const result = await reproduce({ database, scenarioModules: modules, config: withThreads({ ...DEFAULTS, ...config }) });
  return Object.fromEntries(result.findings.map((f) => [f.scenario.name, f]));
}

/** A run's config with its threads as the CLI would default them, unless a test chose them. */
export function withThreads(config: Omit<RunConfig, 'threads'> & { threads?: number }): RunConfig {
  return { ...config, threads: config.threads ?? threadsFor(config.workers) };
}
