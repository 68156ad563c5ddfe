import type { RunDatabase } from '../../harness/contract/store.ts';
import { connectionOptions } from './connection-options.ts';

/** The run's database as a scenario's own code connects to it: the server's URL naming it. */
export function mysqlRunDatabase(serverUrl: string, database: string): RunDatabase {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  const { host, port, user, password } = connectionOptions(serverUrl, database);
  return {
    family: 'mysql',
    url: url.toString(),
    namespace: database,
    connection: { host: host!, port: port!, user: user!, password: password ?? '', database },
  };
}
