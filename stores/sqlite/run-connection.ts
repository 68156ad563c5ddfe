import type { OpenOptions, SqliteConnection, SqliteDriver } from './drivers/driver.ts';
import { CONNECTION_SQL } from './session-table.ts';

/**
 * One of racelab's own connections to a run's file, set up alike whichever driver opens it.
 * `claim` marks it racelab's before its first statement, where interception must let it by.
 */
export function openRunConnection(driver: SqliteDriver, file: string, options: OpenOptions, claim?: (native: object) => void): SqliteConnection {
  const connection = driver.open(file, options);
  try {
    claim?.(connection.native);
    for (const statement of CONNECTION_SQL) connection.prepare(statement).run([]);
  } catch (error) {
    connection.close();
    throw error;
  }
  return connection;
}
