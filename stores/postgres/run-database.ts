import type { RunDatabase } from '../../harness/contract/store.ts';

/**
 * The run's schema as a scenario's own code connects to it: the server's URL with the schema as
 * every new connection's search_path (libpq's `options`, which libpq itself, node-postgres and the
 * ORMs built on them pass through) and as its application_name, which is how racelab ends a run's
 * connections.
 */
export function postgresRunDatabase(serverUrl: string, schema: string): RunDatabase {
  const url = new URL(serverUrl);
  url.searchParams.delete('options');
  url.searchParams.delete('application_name');
  // Percent-encoded by hand: URLSearchParams writes a space as `+`, which node-postgres decodes
  // but libpq (psql, psycopg2) passes on as a `+`: "unrecognized configuration parameter "+search_path"".
  const kept = url.search.replace(/^\?/, '');
  url.search = [kept, `options=${encodeURIComponent(`-c search_path=${schema}`)}`, `application_name=${encodeURIComponent(schema)}`].filter((part) => part !== '').join('&');
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
