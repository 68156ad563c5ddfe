import type { RunIo } from '../../run/run-io.ts';

/** What a command is given to talk to the outside; only cli/main.ts binds it to the process. */
export interface CommandIo extends RunIo {
  /** The report itself. */
  stdout(text: string): void;
  /** A one-line error. */
  error(line: string): void;
}

/** A command's behaviour; its name and one-line summary are in cli/main.ts's table. */
export interface Command {
  help(): string;
  run(args: readonly string[], io: CommandIo): Promise<number>;
}
