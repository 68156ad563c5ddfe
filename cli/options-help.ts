import type { OptionSpec } from './option-spec.ts';

/** A plain argument of a command (explore's SCENARIO), listed with its options. */
export interface ArgumentSpec {
  name: string;
  help: string;
}

/**
 * A command's option table as help lines, one option each with the value it takes, and every
 * description starting in one column: `  --ops N      ops per worker … (default 2000)`. A command's
 * plain arguments come first, in the same column.
 */
export function optionsHelp(options: readonly OptionSpec[], args: readonly ArgumentSpec[] = []): string[] {
  const rows = [
    ...args.map((arg) => ({ head: arg.name, text: arg.help })),
    ...options.map((option) => ({
      head: `--${option.name}${option.value === undefined ? '' : ` ${option.value}`}`,
      text: `${option.help}${option.default === undefined ? '' : ` (default ${option.default})`}`,
    })),
  ];
  const width = Math.max(0, ...rows.map((row) => row.head.length));
  return rows.flatMap(({ head, text }) => text.split('\n').map((line, index) => `  ${(index === 0 ? head : '').padEnd(width)}  ${line}`));
}
