import { UsageError } from './cli-errors.ts';

/**
 * Reads `--name value` and `--name=value` pairs for the known option names. Written by hand
 * because node:util's parseArgs refuses a value that starts with a dash, so `--key-space -1`
 * would get a message about ambiguity instead of the rule it breaks.
 */
export function parseFlags<Name extends string>(
  command: string,
  args: readonly string[],
  known: readonly Name[],
): Partial<Record<Name, string>> {
  const values: Partial<Record<Name, string>> = {};
  const see = `(see racelab ${command} --help)`;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument ${JSON.stringify(arg)} ${see}`);
    const equals = arg.indexOf('=');
    const name = (equals === -1 ? arg.slice(2) : arg.slice(2, equals)) as Name;
    if (!known.includes(name)) throw new UsageError(`unknown option --${name} ${see}`);
    if (values[name] !== undefined) throw new UsageError(`--${name} is given twice`);
    const value = equals === -1 ? args[++i] : arg.slice(equals + 1);
    if (value === undefined) throw new UsageError(`--${name} needs a value ${see}`);
    values[name] = value;
  }
  return values;
}
