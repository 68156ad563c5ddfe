import { UsageError } from '../run/errors.ts';
import { closest } from '../run/option-rules.ts';
import type { OptionSpec } from './option-spec.ts';

/**
 * Reads a command's arguments against its option table: `--name value` and `--name=value` for
 * the options that take a value, bare `--flag`s for those that do not, and up to `positionals`
 * plain arguments. Written by hand because node:util's parseArgs refuses a value that starts with
 * a dash, so `--key-space -1` would get a message about ambiguity instead of the rule it breaks.
 * `refused` names options of another command this one turns down on purpose, with the reason.
 */
export function parseFlags<Name extends string>(
  command: string,
  args: readonly string[],
  options: readonly OptionSpec<Name>[],
  shape: { positionals?: number; refused?: Readonly<Record<string, string>> } = {},
): Partial<Record<Name, string>> & { flags: Set<Name>; positionals: string[] } {
  const values: Partial<Record<Name, string>> = {};
  const flags = new Set<Name>();
  const positionals: string[] = [];
  const see = `(see racelab ${command} --help)`;
  const names = options.map((option) => option.name as string);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) {
      if (positionals.length >= (shape.positionals ?? 0)) {
        // `-workers 4`: one dash short of an option.
        const hint = arg.startsWith('-') ? suggestion(arg.slice(1), names) : undefined;
        throw new UsageError(`unexpected argument ${JSON.stringify(arg)} ${hint ? `(did you mean --${hint}?)` : see}`);
      }
      positionals.push(arg);
      continue;
    }
    const equals = arg.indexOf('=');
    const name = equals === -1 ? arg.slice(2) : arg.slice(2, equals);
    const option = options.find((o) => o.name === name);
    if (option === undefined) {
      const refusal = shape.refused?.[name];
      if (refusal !== undefined) throw new UsageError(`--${name} ${refusal}`);
      const hint = suggestion(name, names);
      throw new UsageError(`unknown option --${name} ${hint ? `(did you mean --${hint}?)` : see}`);
    }
    if (option.value === undefined) {
      if (equals !== -1) throw new UsageError(`--${name} takes no value`);
      flags.add(option.name);
      continue;
    }
    if (values[option.name] !== undefined) throw new UsageError(`--${name} is given twice`);
    const value = equals === -1 ? args[++i] : arg.slice(equals + 1);
    if (value === undefined) throw new UsageError(`--${name} needs a value ${see}`);
    values[option.name] = value;
  }
  return Object.assign(values, { flags, positionals });
}

/**
 * The option a mistyped name most likely meant: the nearest by spelling, else the only one it
 * begins. A name of two letters is one edit from a great many, so one edit is the least allowed.
 */
function suggestion(typed: string, names: readonly string[]): string | undefined {
  const near = closest(typed, names, 1);
  if (near !== undefined) return near;
  const extending = typed.length >= 3 ? names.filter((name) => name.startsWith(typed)) : [];
  return extending.length === 1 ? extending[0] : undefined;
}
