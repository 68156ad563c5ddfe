/** What a run tells whoever started it, while it runs: the CLI's terminal, or nothing for race(). */
export interface RunIo {
  /** Progress lines, on stderr so that stdout stays the report. */
  progress(line: string): void;
  /**
   * Redraws a live status line (a progress bar) on a terminal; `undefined` clears it. Does
   * nothing on CI or when stderr is not a terminal, where output stays plain lines.
   */
  status(line: string | undefined): void;
  /** Aborted on Ctrl-C or SIGTERM, or by race()'s `signal`. */
  signal: AbortSignal;
  /**
   * The terminal's width in columns, which the progress line and the tables keep within: the
   * terminal's own, or `COLUMNS`; unbounded when neither is known (a pipe to a CI log).
   */
  columns: number;
}

/** A run nobody watches: race() without a terminal. */
export function quietIo(signal: AbortSignal = new AbortController().signal): RunIo {
  return { progress: () => undefined, status: () => undefined, signal, columns: Number.POSITIVE_INFINITY };
}
