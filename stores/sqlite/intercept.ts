/**
 * SQLite's drivers, intercepted: every statement that a connection which is not racelab's own
 * runs through node:sqlite or better-sqlite3 goes through the harness's hooks, whichever driver
 * racelab's own store runs on (drivers/*-intercept.ts patch each). Both are synchronous, so a
 * statement held at explore's turnstile holds its whole thread: explore gives each worker a
 * thread of its own, so that is the worker's wait and no one else's. What explore cannot see is a
 * wait inside SQLite's own busy timeout: such a statement runs, as far as the scheduler knows,
 * until the timeout ends it.
 */
import { randomInt } from 'node:crypto';
import { classified } from '../../harness/classify.ts';
import type { DriverHooks, DriverInterception } from '../../harness/contract/store.ts';
import { patchBetterSqlite3 } from './drivers/better-sqlite3-intercept.ts';
import { patchNodeSqlite } from './drivers/node-sqlite-intercept.ts';
import { classifySqliteError } from './errors.ts';
import { sqliteResultCode } from './drivers.ts';

const own = new WeakSet<object>();
/** A connection's id for explore, as the store gives its own: SQLite has none. */
const ids = new WeakMap<object, number>();
let hooks: DriverHooks | undefined;

/** racelab's own connection (the driver's object): its store observes its statements, so they are never seen twice. */
export function ownConnection(connection: object): void {
  own.add(connection);
}

export const sqliteDriver: DriverInterception = {
  drivers: ['node:sqlite', 'better-sqlite3'],
  install(given: DriverHooks, modules: readonly string[]) {
    hooks = given;
    patchNodeSqlite(observed);
    patchBetterSqlite3(observed, modules);
  },
};

function idOf(connection: object): number {
  let id = ids.get(connection);
  if (id === undefined) {
    id = randomInt(1, 2 ** 31);
    ids.set(connection, id);
  }
  return id;
}

/** Runs one synchronous statement between the hooks' begin and end. */
function observed<T>(connection: object, text: string, run: () => T, method: string): T {
  if (hooks === undefined || own.has(connection)) return run();
  const end = hooks.statement(text, { serverId: idOf(connection), socket: undefined });
  let result: T;
  try {
    result = run();
  } catch (error) {
    // The error the scenario's code catches is the driver's own; it is marked, never replaced.
    end(classified(error, classifySqliteError(error), sqliteResultCode(error)));
    throw error;
  }
  end(undefined, rowsOf(method, result), firstRowOf(method, result));
  return result;
}

/** The first row a read returned: `all`'s first, or `get`'s one; a `run` reads none. */
function firstRowOf(method: string, result: unknown): unknown {
  if (method === 'all') return Array.isArray(result) ? result[0] : undefined;
  return method === 'get' ? result : undefined;
}

function rowsOf(method: string, result: unknown): number {
  if (method === 'all') return Array.isArray(result) ? result.length : 0;
  if (method === 'get') return result === undefined ? 0 : 1;
  const changes = (result as { changes?: unknown } | undefined)?.changes;
  return typeof changes === 'number' || typeof changes === 'bigint' ? Number(changes) : 0;
}
