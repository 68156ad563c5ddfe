import { buildRequest, RUN_OPTIONS, shownDefault, type RunOptionName, type RunRequest } from '../run/request.ts';
import { parseFlags } from './parse-flags.ts';

/**
 * The command line's door onto the run request: reproduce's and gate's flags, read as typed and
 * checked by the request's own rules. `defaults` lets a command change a default (the gate runs the
 * whole catalogue); `extra` names the command's own options, returned as given.
 */
export function parseRunFlags(
  args: readonly string[],
  command: string,
  defaults: Partial<Record<RunOptionName, string>> = {},
  extra: readonly string[] = [],
): RunRequest & { extra: Partial<Record<string, string>> } {
  const raw = parseFlags(command, args, [...(Object.keys(RUN_OPTIONS) as RunOptionName[]), ...extra], { flags: ['allow-remote', 'history', 'amplify'] });
  const given = Object.fromEntries((Object.keys(RUN_OPTIONS) as RunOptionName[]).filter((name) => raw[name] !== undefined).map((name) => [name, raw[name]!]));
  const request = buildRequest({ given, defaults, allowRemote: raw.flags.has('allow-remote'), history: raw.flags.has('history'), amplify: raw.flags.has('amplify') });
  return { ...request, extra: Object.fromEntries(extra.map((name) => [name, raw[name]])) };
}

/** The help line of `--amplify`, for every command that takes the run's options. */
export const AMPLIFY_HELP = 'force the race: seeded shared key draws and holds after reads; the rates are then not natural ones (docs/amplify.md)';

/** The help lines of the run's options, each with its default unless `withDefaults` is false. */
export function runOptionsHelp(width: number, withDefaults = true): string[] {
  return (Object.keys(RUN_OPTIONS) as RunOptionName[]).map((name) => `  --${name.padEnd(width)} ${RUN_OPTIONS[name].help()}${withDefaults ? ` (default ${shownDefault(name)})` : ''}`);
}
