import { buildRequest, RUN_OPTIONS, shownDefault, type RunOptionName, type RunRequest } from '../run/request.ts';
import type { OptionSpec } from './option-spec.ts';
import { parseFlags } from './parse-flags.ts';

/** The bare flags of a run, beside RUN_OPTIONS' valued ones. */
export type RunFlagName = 'history' | 'amplify' | 'allow-remote';

/** `--allow-remote`, for every command that may reach a database server. */
export const ALLOW_REMOTE: OptionSpec<'allow-remote'> = { name: 'allow-remote', help: 'allow a server that is not on this machine' };

/**
 * The options of a run, as reproduce's and gate's tables list them: RUN_OPTIONS with each default
 * (`defaults` for a command's own, as the gate's whole catalogue), then the command's own options
 * (`own`), then the run's bare flags.
 */
export function runOptionSpecs<Own extends string>(
  defaults: Partial<Record<RunOptionName, string>> = {},
  own: readonly OptionSpec<Own>[] = [],
): OptionSpec<RunOptionName | RunFlagName | Own>[] {
  return [
    ...(Object.keys(RUN_OPTIONS) as RunOptionName[]).map((name) => ({
      name,
      value: RUN_OPTIONS[name].value,
      help: RUN_OPTIONS[name].help(),
      default: defaults[name] ?? shownDefault(name),
    })),
    ...own,
    { name: 'history', help: "also write every op as JSON Lines in Jepsen's history shape (history-<scenario>.jsonl)" },
    { name: 'amplify', help: 'force the race: seeded shared key draws and holds after reads; the rates are then not natural ones (docs/amplify.md)' },
    ALLOW_REMOTE,
  ];
}

/**
 * The command line's door onto the run request: reproduce's and gate's flags, read against the
 * command's own table and checked by the request's own rules. `defaults` lets a command change a
 * default (the gate runs the whole catalogue); the command's own options are returned as given, in
 * `extra`; `refused` names other commands' options it turns down, with the reason.
 */
export function parseRunFlags<Name extends string>(
  command: string,
  args: readonly string[],
  options: readonly OptionSpec<Name | RunOptionName | RunFlagName>[],
  defaults: Partial<Record<RunOptionName, string>> = {},
  refused: Readonly<Record<string, string>> = {},
): RunRequest & { extra: Partial<Record<Name, string>> } {
  const raw = parseFlags(command, args, options, { refused });
  const runOption = (name: string): name is RunOptionName => name in RUN_OPTIONS;
  const given = Object.fromEntries(options.filter((o) => runOption(o.name) && raw[o.name] !== undefined).map((o) => [o.name, raw[o.name]!]));
  const request = buildRequest({ given, defaults, allowRemote: raw.flags.has('allow-remote'), history: raw.flags.has('history'), amplify: raw.flags.has('amplify') });
  const extra = Object.fromEntries(options.filter((o) => !runOption(o.name) && raw[o.name] !== undefined).map((o) => [o.name, raw[o.name]!]));
  return { ...request, extra: extra as Partial<Record<Name, string>> };
}
