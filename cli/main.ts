/**
 * The thin entry: picks the command, runs it, and turns what it returns or throws into an exit
 * code. The only place that touches process.exit.
 */
import { TOOL } from '../run/tool-info.ts';
import { commandFailure } from './command-failure.ts';
import type { Command, CommandIo } from './commands/command.ts';
import { EXIT } from './exit-codes.ts';
import { registeredLeftovers, runEmergencyCleanups } from '../stores/shared/emergency.ts';

/**
 * The commands, each loaded only when it runs: `racelab --help` and `racelab list` then start
 * without loading the engine, the driver or the worker pool.
 */
const COMMANDS: readonly { name: string; summary: string; load: () => Promise<Command> }[] = [
  {
    name: 'reproduce',
    summary: 'run the scenarios side by side against a real database and report their violation rates',
    load: async () => (await import('./commands/reproduce.ts')).reproduceCommand,
  },
  {
    name: 'explore',
    summary: 'search interleavings of steps with fast-check and shrink a race to its smallest form',
    load: async () => (await import('./commands/explore.ts')).exploreCommand,
  },
  {
    name: 'gate',
    summary: 'a regression gate for CI: exit 0 when every verdict matches its expectation, 1 when not',
    load: async () => (await import('./commands/gate.ts')).gateCommand,
  },
  {
    name: 'list',
    summary: 'print the scenario catalogue; --sql NAME prints the statements one op of NAME sends',
    load: async () => (await import('./commands/list.ts')).listCommand,
  },
  {
    name: 'init',
    summary: 'write a starter scenario file and a vitest test for it, fitting this project; never overwrites',
    load: async () => (await import('./commands/init.ts')).initCommand,
  },
  {
    name: 'clean',
    summary: 'remove what racelab runs killed without their cleanup (SIGKILL) left behind, and nothing else',
    load: async () => (await import('./commands/clean.ts')).cleanCommand,
  },
];

function usage(): string {
  return [
    'usage: racelab <command> [options]',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`),
    '',
    'racelab <command> --help shows its options; racelab --version, its version.',
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
  if (name === '--version' || name === '-v' || name === 'version') {
    io.stdout(`${TOOL.name} ${TOOL.version}\n`);
    return EXIT.ok;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (entry === undefined) {
    io.error(`racelab: unknown command ${JSON.stringify(name)}; commands: ${COMMANDS.map((c) => c.name).join(', ')}`);
    return EXIT.usage;
  }
  const command = await entry.load();
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(`${command.help()}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    const { line, code } = commandFailure(name, error, io.signal.aborted);
    io.error(line);
    return code;
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
