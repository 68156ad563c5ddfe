/**
 * One option of a command, as its table declares it. A command's table is the one source of both
 * what its parser accepts (parse-flags.ts) and what its help lists (options-help.ts), so the two
 * cannot drift apart.
 */
export interface OptionSpec<Name extends string = string> {
  /** As typed after `--`. */
  name: Name;
  /** The value it takes, as help names it (`N`, `DB`, `FILE`); a bare flag such as `--dry-run` has none. */
  value?: string;
  /** What it does, for help; a line break starts a continuation line under the first. */
  help: string;
  /** The default, as help shows it after the words. */
  default?: string;
}
