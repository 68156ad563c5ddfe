import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadScenario } from '../harness/load-module.ts';
import { CommandScenarioUnsupported, opOf } from '../harness/scenario-kind.ts';
import { BUILT_IN_SCENARIOS } from '../scenarios/index.ts';
import { UsageError } from './errors.ts';

/** A scenario argument is a file when it names one: a path, or a script's extension. */
export function isScenarioFile(argument: string): boolean {
  return argument.includes('/') || /\.([mc]?[jt]s)$/.test(argument);
}

/**
 * Turns scenario arguments (built-in names, or scenario files) into module URLs, loading each file
 * once here so that one that fails to load, or exports no scenario, is a one-line usage error
 * naming the file before anything starts.
 */
export async function scenarioModules(option: string, scenarios: readonly string[]): Promise<string[]> {
  const modules: string[] = [];
  for (const scenario of scenarios) {
    if (!isScenarioFile(scenario)) {
      modules.push(BUILT_IN_SCENARIOS[scenario]!);
      continue;
    }
    const path = resolve(scenario);
    if (!existsSync(path)) throw new UsageError(`${option} ${scenario}: no such file`);
    const url = pathToFileURL(path).href;
    try {
      await loadScenario(url);
    } catch (error) {
      const message = ((error as Error).message ?? String(error)).split('\n')[0]!.replace(url, scenario);
      throw new UsageError(`${option} ${scenario}: ${message}`);
    }
    modules.push(url);
  }
  return modules;
}

/**
 * Refuses a command scenario where only op scenarios run (explore, list --sql), `named` as the
 * command line gave it: its ops run in its program's processes, which only reproduce and the gate
 * start so far. One line, exit 2.
 */
export async function refuseCommandScenario(named: string, module: string, doing: string): Promise<void> {
  // The engine's own refusal (scenario-kind.ts), made here before any database starts.
  try {
    opOf(await loadScenario(module), doing);
  } catch (error) {
    if (error instanceof CommandScenarioUnsupported) throw new UsageError(`${named}: ${error.message}`);
    throw error;
  }
}
