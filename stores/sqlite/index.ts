import { moduleBeside } from '../../harness/module-url.ts';
import type { SqliteDriverName } from './drivers/driver.ts';

const MODULES: Readonly<Record<SqliteDriverName, string>> = {
  'node:sqlite': moduleBeside('./drivers/node-sqlite-store', import.meta.url),
  'better-sqlite3': moduleBeside('./drivers/better-sqlite3-store', import.meta.url),
};

/** The module the workers open their sessions with, on `driver`: handed to the harness by URL. */
export function sessionStoreModule(driver: SqliteDriverName): string {
  return MODULES[driver];
}
