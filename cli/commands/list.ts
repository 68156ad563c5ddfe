import { loadScenario } from '../../harness/load-module.ts';
import { BUILT_IN_SCENARIOS, DEFAULT_SCENARIOS } from '../../scenarios/index.ts';
import { EXIT } from '../exit-codes.ts';
import { UsageError } from '../cli-errors.ts';
import type { Command } from './command.ts';

export const listCommand: Command = {
  name: 'list',
  summary: 'print the scenario catalogue: what each does and what it is expected to show',
  help: () => 'usage: racelab list',
  async run(args, io) {
    if (args.length > 0) throw new UsageError(`racelab list takes no arguments, got ${JSON.stringify(args[0])}`);
    const lines: string[] = [];
    for (const [name, url] of Object.entries(BUILT_IN_SCENARIOS)) {
      const scenario = await loadScenario(url);
      const isDefault = (DEFAULT_SCENARIOS as readonly string[]).includes(name);
      lines.push(`${name}  (expected ${scenario.expect}${isDefault ? ', runs by default' : ''})`);
      lines.push(`  why:    ${scenario.why}`, `  origin: ${scenario.origin}`, '');
    }
    io.stdout(lines.join('\n'));
    return EXIT.ok;
  },
};
