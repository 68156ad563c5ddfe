import { redactUrl } from '../stores/postgres/redact-url.ts';
import type { ReproduceOptions } from './reproduce-options.ts';

/** The command line that reruns an invocation: every knob spelled out, the seed included. */
export function replayCommand(options: ReproduceOptions): string {
  const { config } = options;
  const db = typeof options.db === 'object' ? redactUrl(options.db.url) : options.db;
  return [
    'racelab reproduce',
    ...(db === 'auto' ? [] : [`--db ${db}`]),
    `--scenario ${options.scenarios.join(',')}`,
    `--workers ${config.workers}`,
    `--ops ${config.opsPerWorker}`,
    `--keys ${config.keys}`,
    ...(config.keys === 'shrunk' ? [`--key-space ${config.keySpace}`, `--occupancy ${config.occupancy}`] : []),
    `--isolation ${config.isolation}`,
    `--max-attempts ${config.maxDraws}`,
    `--seed ${config.seed}`,
  ].join(' ');
}
