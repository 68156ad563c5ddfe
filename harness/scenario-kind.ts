import type { CommandSpec, OpContext, OpResult, Scenario } from './contract/scenario.ts';

/** A scenario whose ops a program does, in processes of its own (`ScenarioDefinition.command`). */
export function commandOf(scenario: Scenario): CommandSpec | undefined {
  return scenario.command;
}

/**
 * The op of a scenario racelab runs in its own threads. A command scenario has none: its ops run in
 * its program's processes, which only reproduce runs so far, so anything else that needs an op says so.
 */
export function opOf<C>(scenario: Scenario<C>, doing: string): (ctx: OpContext<C>) => Promise<OpResult> {
  const { op } = scenario;
  if (op === undefined) throw new CommandScenarioUnsupported(`${scenario.name} is a command scenario: its ops run in its program's processes, which ${doing} cannot do yet (reproduce and the gate can; docs/commands.md)`);
  return op.bind(scenario);
}

/** Thrown where a command scenario is given to what runs only op scenarios; the CLI reports it as bad input. */
export class CommandScenarioUnsupported extends Error {
  override name = 'CommandScenarioUnsupported';
}
