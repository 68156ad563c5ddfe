/**
 * better-sqlite3, intercepted: every statement a connection that is not racelab's own runs
 * (`Statement#run`, `get`, `all`, `iterate`, and `Database#exec`) goes through the harness's
 * hooks. The driver is synchronous, so a statement held at explore's turnstile holds its whole
 * thread: explore gives each worker a thread of its own, so that is the worker's wait and no one
 * else's. What explore cannot see is a wait inside SQLite's own busy timeout: such a statement
 * runs, as far as the scheduler knows, until the timeout ends it.
 */
import { randomInt } from 'node:crypto';
import { createRequire } from 'node:module';
import Sqlite from 'better-sqlite3';
import { classified } from '../../harness/classify.ts';
import type { DriverHooks, DriverInterception } from '../../harness/contract/store.ts';
import { classifySqliteError } from './errors.ts';

type Method = (this: Sqlite.Statement, ...args: unknown[]) => unknown;

const PATCHED = Symbol.for('racelab.interceptedSqlite');
const own = new WeakSet<object>();
/** A connection's id for explore, as the store gives its own: SQLite has none. */
const ids = new WeakMap<object, number>();
let hooks: DriverHooks | undefined;

/** racelab's own connection: its store observes its statements, so they are never seen twice. */
export function ownConnection(connection: Sqlite.Database): void {
  own.add(connection);
}

export const sqliteDriver: DriverInterception = {
  drivers: ['better-sqlite3'],
  install(given: DriverHooks, modules: readonly string[]) {
    hooks = given;
    patch(Sqlite);
    for (const module of modules) {
      try {
        patch(createRequire(module)('better-sqlite3') as typeof Sqlite);
      } catch {
        // The scenario's code does not resolve better-sqlite3: nothing of it to patch.
      }
    }
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

function patch(Database: typeof Sqlite): void {
  const proto = Database.prototype as unknown as Record<string | symbol, unknown>;
  if (proto[PATCHED]) return;
  proto[PATCHED] = true;
  // The statement class is the native addon's: reached through a statement of a throwaway database.
  const probe = new Database(':memory:');
  const statementProto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, unknown>;
  probe.close();
  for (const method of ['run', 'get', 'all', 'iterate'] as const) {
    const original = statementProto[method] as Method;
    statementProto[method] = function (this: Sqlite.Statement, ...args: unknown[]) {
      return observed(this.database, this.source, () => original.apply(this, args), method);
    };
  }
  const exec = proto['exec'] as (this: Sqlite.Database, sql: string) => unknown;
  proto['exec'] = function (this: Sqlite.Database, sql: string) {
    return observed(this, sql, () => exec.call(this, sql), 'exec');
  };
}

/** Runs one synchronous statement between the hooks' begin and end. */
function observed<T>(connection: Sqlite.Database, text: string, run: () => T, method: string): T {
  if (hooks === undefined || own.has(connection)) return run();
  const end = hooks.statement(text, { serverId: idOf(connection), socket: undefined });
  let result: T;
  try {
    result = run();
  } catch (error) {
    end(classified(error, classifySqliteError(error)));
    throw error;
  }
  end(undefined, rowsOf(method, result));
  return result;
}

function rowsOf(method: string, result: unknown): number {
  if (method === 'all') return Array.isArray(result) ? result.length : 0;
  if (method === 'get') return result === undefined ? 0 : 1;
  const changes = (result as { changes?: unknown } | undefined)?.changes;
  return typeof changes === 'number' ? changes : 0;
}
