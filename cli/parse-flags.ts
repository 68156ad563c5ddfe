import { UsageError } from '../run/errors.ts';

/**
 * Reads `--name value` and `--name=value` pairs for the known option names, bare `--flag`s, and
 * up to `positionals` plain arguments. Written by hand because node:util's parseArgs refuses a
 * value that starts with a dash, so `--key-space -1` would get a message about ambiguity
 * instead of the rule it breaks.
 */
export function parseFlags<Name extends string, Flag extends string = never>(
  command: string,
  args: readonly string[],
  known: readonly Name[],
  shape: { flags?: readonly Flag[]; positionals?: number } = {},
): Partial<Record<Name, string>> & { flags: Set<Flag>; positionals: string[] } {
  const values: Partial<Record<Name, string>> = {};
  const flags = new Set<Flag>();
  const positionals: string[] = [];
  const see = `(see racelab ${command} --help)`;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) {
      if (positionals.length >= (shape.positionals ?? 0)) throw new UsageError(`unexpected argument ${JSON.stringify(arg)} ${see}`);
      positionals.push(arg);
      continue;
    }
    const equals = arg.indexOf('=');
    const name = equals === -1 ? arg.slice(2) : arg.slice(2, equals);
    if ((shape.flags as readonly string[] | undefined)?.includes(name)) {
      if (equals !== -1) throw new UsageError(`--${name} takes no value`);
      flags.add(name as Flag);
      continue;
    }
    if (!(known as readonly string[]).includes(name)) throw new UsageError(`unknown option --${name} ${see}`);
    if (values[name as Name] !== undefined) throw new UsageError(`--${name} is given twice`);
    const value = equals === -1 ? args[++i] : arg.slice(equals + 1);
    if (value === undefined) throw new UsageError(`--${name} needs a value ${see}`);
    values[name as Name] = value;
  }
  return Object.assign(values, { flags, positionals });
}
