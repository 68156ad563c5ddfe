/**
 * The thin entry: picks the command, runs it, and turns what it returns or throws into an exit
 * code. The only place that touches process.exit.
 */
import { InfrastructureError, UsageError } from './cli-errors.ts';
import type { Command, CommandIo } from './commands/command.ts';
import { cleanCommand } from './commands/clean.ts';
import { exploreCommand } from './commands/explore.ts';
import { gateCommand } from './commands/gate.ts';
import { listCommand } from './commands/list.ts';
import { reproduceCommand } from './commands/reproduce.ts';
import { EXIT } from './exit-codes.ts';
import { registeredLeftovers, runEmergencyCleanups } from '../stores/postgres/emergency.ts';

const COMMANDS: readonly Command[] = [reproduceCommand, exploreCommand, gateCommand, listCommand, cleanCommand];

function usage(): string {
  return [
    'usage: racelab <command> [options]',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`),
    '',
    'racelab <command> --help shows its options.',
    'exit codes: 0 verdicts as expected · 1 a verdict not as expected · 2 bad usage · 3 infrastructure · 130 interrupted',
  ].join('\n');
}

/** Runs one invocation and returns its exit code; never throws. */
export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(`${usage()}\n`);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    io.error(`racelab: unknown command ${JSON.stringify(name)}; commands: ${COMMANDS.map((c) => c.name).join(', ')}`);
    return EXIT.usage;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(`${command.help()}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.error(`racelab ${name}: ${error.message}`);
      return EXIT.usage;
    }
    if (error instanceof InfrastructureError) {
      // One line: the first line of what went wrong; a stack is never the message.
      io.error(`racelab ${name}: ${error.message.split('\n')[0]}`);
      return io.signal.aborted ? EXIT.interrupted : EXIT.infrastructure;
    }
    io.error(`racelab ${name}: internal error: ${(error as Error).stack ?? String(error)}`);
    return EXIT.infrastructure;
  }
}

/** A terminal a person watches: live progress bars; on CI or through a pipe, plain lines only. */
function liveTerminal(): boolean {
  return process.stderr.isTTY === true && !process.env['CI'];
}

/** Binds main() to this process: its arguments, streams and signals, and its exit code. */
export async function runProcess(): Promise<never> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      process.stderr.write(`\nracelab: ${signal}: stopping workers and removing what this run started (again to exit at once)…\n`);
      controller.abort();
      return;
    }
    // The second one: exit now, but still stop any server this run started and remove its files.
    const leftovers = registeredLeftovers();
    runEmergencyCleanups();
    const left = leftovers.length === 0 ? '' : `; left behind: ${leftovers.join(', ')}: \`racelab clean --db URL\` removes it`;
    process.stderr.write(`racelab: ${signal} again: exited at once${left}\n`);
    process.exit(EXIT.interrupted);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const io: CommandIo = {
    stdout: (text) => process.stdout.write(text),
    progress: (line) => process.stderr.write(`${line}\n`),
    error: (line) => process.stderr.write(`${line}\n`),
    status: liveTerminal() ? (line) => process.stderr.write(line === undefined ? '\r\x1b[2K' : `\r\x1b[2K${line}`) : () => undefined,
    signal: controller.signal,
    columns: terminalColumns(),
  };
  const code = await main(process.argv.slice(2), io);
  // Exit once what was written has been flushed: stdout may be a pipe to a CI log.
  process.stdout.write('', () => process.exit(code));
  return new Promise<never>(() => undefined);
}

/** The width output must fit: the terminal's, else `COLUMNS`, else unbounded. */
function terminalColumns(): number {
  const tty = process.stdout.isTTY ? process.stdout.columns : process.stderr.isTTY ? process.stderr.columns : undefined;
  if (tty) return tty;
  const env = Number(process.env['COLUMNS']);
  return Number.isInteger(env) && env > 0 ? env : Number.POSITIVE_INFINITY;
}
