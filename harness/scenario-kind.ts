import { lackingReason } from './capabilities.ts';
import type { OpContext, OpResult, Scenario } from './contract/scenario.ts';
import type { Database } from './contract/store.ts';

/**
 * The op of a scenario racelab runs in its own threads. A command scenario has none: its ops run in
 * its program's processes, which only reproduce runs so far, so anything else that needs an op says so.
 */
export function opOf<C>(scenario: Scenario<C>, doing: string): (ctx: OpContext<C>) => Promise<OpResult> {
  const { op } = scenario;
  if (op === undefined) throw new CommandScenarioUnsupported(`${scenario.name} is a command scenario: its ops run in its program's processes, which ${doing} cannot do yet (reproduce and the gate can; docs/commands.md)`);
  return op.bind(scenario);
}

/**
 * Thrown where a command scenario reaches what runs only op scenarios. The CLI refuses one before
 * (run/scenario-modules.ts, exit 2); this is for the library's callers of the explorer.
 */
export class CommandScenarioUnsupported extends Error {
  override name = 'CommandScenarioUnsupported';
}

/**
 * Why `scenario` cannot run on `database`, or undefined when it can: what it needs and the
 * database lacks, or, for a command scenario, a store with no wire proxy to see its processes by.
 */
export function whyNotOn(scenario: Pick<Scenario, 'needs' | 'command'>, database: Pick<Database, 'product' | 'lacks' | 'wireProxy'>): string | undefined {
  if (scenario.command !== undefined && database.wireProxy === undefined) {
    return `${database.product} has no wire proxy in racelab, through which a command scenario's processes are seen (docs/commands.md)`;
  }
  return lackingReason(scenario.needs, database.lacks);
}
