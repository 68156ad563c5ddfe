/** What a command is given to talk to the outside; only cli/main.ts binds it to the process. */
export interface CommandIo {
  /** The report itself. */
  stdout(text: string): void;
  /** Progress lines, on stderr so that stdout stays the report. */
  progress(line: string): void;
  /** A one-line error. */
  error(line: string): void;
  /**
   * Redraws a live status line (a progress bar) on a terminal; `undefined` clears it. Does
   * nothing on CI or when stderr is not a terminal, where output stays plain lines.
   */
  status(line: string | undefined): void;
  /** Aborted on Ctrl-C or SIGTERM. */
  signal: AbortSignal;
  /**
   * The terminal's width in columns, which the progress line and the tables keep within: the
   * terminal's own, or `COLUMNS`; unbounded when neither is known (a pipe to a CI log).
   */
  columns: number;
}

/** A command's behaviour; its name and one-line summary are in cli/main.ts's table. */
export interface Command {
  help(): string;
  run(args: readonly string[], io: CommandIo): Promise<number>;
}
