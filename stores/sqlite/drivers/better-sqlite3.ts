/**
 * The SQLite store on better-sqlite3, a native module the user installs (racelab does not depend
 * on it: it compiles where no prebuilt binary fits). Resolved from racelab's own place, as the
 * user's project installs it; a copy built for another Node's ABI resolves but does not load,
 * which is told apart from one that is not installed, since the fixes differ.
 */
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { DriverUnavailable, loadedOnce, type SqliteConnection, type SqliteDriver } from './driver.ts';

type Library = typeof BetterSqlite3;

/** better-sqlite3 as racelab resolves it, its native part loaded; DriverUnavailable when it cannot be. */
export const betterSqlite3Library: () => Library = loadedOnce(load);

function load(): Library | DriverUnavailable {
  let Database: Library;
  try {
    Database = createRequire(import.meta.url)('better-sqlite3') as Library;
  } catch (error) {
    // Not found itself; a dependency of it that is missing is a broken install, as is a bad addon.
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (code === 'MODULE_NOT_FOUND' && String(message).includes("'better-sqlite3'")) {
      return new DriverUnavailable('better-sqlite3 is not installed', 'npm install --save-dev better-sqlite3@12, a native module racelab leaves to you');
    }
    return broken(error);
  }
  try {
    // The addon loads at the first database, not at require.
    new Database(':memory:').close();
  } catch (error) {
    return broken(error);
  }
  return Database;
}

function broken(error: unknown): DriverUnavailable {
  // The loader's words run over several lines (the ABI it was built for, the one this Node wants).
  const words = String((error as Error).message ?? error).replace(/\s+/g, ' ').trim();
  return new DriverUnavailable(`better-sqlite3 does not load on Node ${process.versions.node} (${words})`, 'npm rebuild better-sqlite3');
}

export const betterSqlite3: SqliteDriver = {
  name: 'better-sqlite3',
  open(file, { mustExist = false, busyTimeoutMs }) {
    const Database = betterSqlite3Library();
    const db = new Database(file, { fileMustExist: mustExist, timeout: busyTimeoutMs });
    const connection: SqliteConnection = {
      prepare(text) {
        const statement = db.prepare(text);
        return {
          reader: statement.reader,
          all: (values) => statement.all(...values) as Record<string, unknown>[],
          run: (values) => ({ changes: statement.run(...values).changes }),
        };
      },
      get inTransaction() {
        return db.inTransaction;
      },
      native: db,
      close: () => db.close(),
    };
    return connection;
  },
  resultCode(error) {
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
  },
};
