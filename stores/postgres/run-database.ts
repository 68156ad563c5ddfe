import type { RunDatabase } from '../../harness/contract/store.ts';

/**
 * The run's schema as a scenario's own code connects to it: the server's URL with the schema as
 * every new connection's search_path (libpq's `options`, which node-postgres and the ORMs built on
 * it pass through) and as its application_name, which is how racelab ends a run's connections.
 */
export function postgresRunDatabase(serverUrl: string, schema: string): RunDatabase {
  const url = new URL(serverUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  url.searchParams.set('application_name', schema);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  return {
    family: 'postgresql',
    url: url.toString(),
    namespace: schema,
    connection: {
      host: url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
      port: url.port === '' ? 5432 : Number(url.port),
      user: decodeURIComponent(url.username) || 'postgres',
      password: decodeURIComponent(url.password),
      ...(database !== '' && { database }),
      searchPath: schema,
    },
  };
}
