import { choiceLabel, type DatabaseChoice } from '../stores/registry.ts';
import type { RunRequest } from './request.ts';

/** ` --db …` for databases other than the default (one, or a comma list), passwords hidden; empty for `auto`. */
export function dbArgument(choice: DatabaseChoice | readonly DatabaseChoice[]): string {
  const db = (Array.isArray(choice) ? choice : [choice]).map((one: DatabaseChoice) => choiceLabel(one)).join(',');
  return db === 'auto' ? '' : ` --db ${db}`;
}

/**
 * The command line that reruns an invocation: every option that shapes the run spelled out, the
 * seed included. Left out: where the reports go, the op timeout and the production rate, which
 * change no op. `scenarios`: the scenario arguments the rerun gives (the copies of scenario files
 * in the report's directory), when not those given.
 */
export function replayCommand(options: RunRequest, command = 'reproduce', scenarios: readonly string[] = options.scenarios): string {
  const { config } = options;
  const swept = options.sweep?.parameter;
  return [
    `racelab ${command}${dbArgument(options.replayDb ?? options.db)}`,
    `--scenario ${scenarios.join(',')}`,
    ...(swept === 'workers' ? [] : [`--clients ${config.workers}`]),
    // Threads change no client's ops, only how they share the machine; a sweep over the clients
    // caps them at each point, so only a --threads that was given is repeated there.
    ...(swept === 'workers' ? (options.threadsRequested === undefined ? [] : [`--threads ${options.threadsRequested}`]) : [`--threads ${config.threads}`]),
    config.durationMs === undefined ? `--ops ${config.opsPerWorker}` : `--duration ${config.durationMs}ms`,
    `--keys ${config.keys}`,
    ...(config.keys === 'shrunk' && swept !== 'key-space' ? [`--key-space ${config.keySpace}`] : []),
    ...(config.keys === 'shrunk' ? [`--occupancy ${config.occupancy}`] : []),
    ...(options.sweep ? [`--sweep ${options.sweep.parameter}=${options.sweep.values.join(',')}`] : []),
    ...(options.isolationGiven ? [`--isolation ${config.isolation}`] : []),
    `--max-attempts ${config.maxAttempts}`,
    `--seed ${config.seed}`,
    ...(Object.keys(options.expectations).length > 0
      ? [`--expect ${Object.entries(options.expectations).map(([name, expect]) => `${name}=${expect}`).join(',')}`]
      : []),
    ...(options.history ? ['--history'] : []),
    // With the seed above, the same decisions of the amplifier.
    ...(config.amplify ? ['--amplify'] : []),
  ].join(' ');
}

/**
 * racelab's arguments as given, for the report to state: the password of any connection string
 * in them (`--db`, a comma list, `--db=…`) hidden, as everywhere else.
 */
export function givenCommandLine(argv: readonly string[]): string[] {
  return argv.map((word) => word.replace(/(\/\/[^:/@\s,]*:)[^@\s,]*@/g, '$1***@'));
}
