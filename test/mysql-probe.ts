/**
 * Finds the MariaDB/MySQL server the MySQL-store tests use: RACELAB_TEST_MYSQL_URL, else the usual
 * local one (root, no password, database `test`). Without vitest, so the odds bench can use it too.
 */
import mysql from 'mysql2/promise';
import { connectionOptions } from '../stores/mysql/connection-options.ts';

const DEFAULT_URL = 'mysql://root@127.0.0.1:3306/test';

/** The server's URL when it answers within a second, else why not. */
export async function probeMysql(env: NodeJS.ProcessEnv = process.env): Promise<{ url?: string; why: string }> {
  const url = env['RACELAB_TEST_MYSQL_URL'] ?? DEFAULT_URL;
  try {
    const connection = await mysql.createConnection({ ...connectionOptions(url), connectTimeout: 1_000 });
    await connection.end();
    return { url, why: '' };
  } catch (error) {
    return { why: `no MariaDB or MySQL answered at ${url} (${(error as Error).message}); set RACELAB_TEST_MYSQL_URL to run them` };
  }
}

