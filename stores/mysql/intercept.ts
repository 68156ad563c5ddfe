/**
 * mysql2, intercepted: every statement a connection that is not racelab's own sends through
 * `query` or `execute` (a pool's and the promise API's included, which call them) goes through
 * the harness's hooks before it is queued on the connection. Sequelize's mysql dialect, TypeORM,
 * Knex, Kysely and Drizzle's mysql2 driver all reach these. The driver's error reaches the caller
 * as it was, classified by the server's error number.
 */
import { createRequire } from 'node:module';
import { classified } from '../../harness/classify.ts';
import type { DriverHooks, DriverInterception, StatementEnd } from '../../harness/contract/store.ts';
import { classifyMysqlError } from './errors.ts';
import { mysqlWireStatements } from './wire-statements.ts';

type Callback = (error: Error | null | undefined, result?: unknown, fields?: unknown) => void;
type SendFn = (this: object, sql?: unknown, values?: unknown, callback?: unknown) => unknown;
type Command = { sql?: unknown; onResult?: unknown; once?: (event: string, listener: (value?: unknown) => void) => unknown };

const PATCHED = Symbol.for('racelab.interceptedMysql2');
const own = new WeakSet<object>();
let hooks: DriverHooks | undefined;
const require = createRequire(import.meta.url);

/** racelab's own connection (mysql2's callback connection, under the promise wrapper): never seen twice. */
export function ownConnection(connection: object): void {
  own.add(connection);
  hooks?.claim((connection as { stream?: object }).stream);
}

export const mysqlDriver: DriverInterception = {
  drivers: ['mysql2'],
  install(given: DriverHooks, modules: readonly string[]) {
    hooks = given;
    patch(require('mysql2') as { Connection: { prototype: object } });
    for (const module of modules) {
      try {
        patch(createRequire(module)('mysql2') as { Connection: { prototype: object } });
      } catch {
        // The scenario's code does not resolve mysql2: nothing of it to patch.
      }
    }
  },
  wireStatements: mysqlWireStatements,
};

function patch(mysql2: { Connection: { prototype: object } }): void {
  const proto = mysql2.Connection.prototype as Record<string | symbol, unknown>;
  if (proto[PATCHED]) return;
  proto[PATCHED] = true;
  for (const method of ['query', 'execute'] as const) {
    const send = proto[method] as SendFn;
    proto[method] = function (this: object, sql?: unknown, values?: unknown, callback?: unknown) {
      const text = typeof sql === 'string' ? sql : (sql as Command | null | undefined)?.sql;
      if (hooks === undefined || own.has(this) || typeof text !== 'string') return send.call(this, sql, values, callback);
      const end = hooks.statement(text, { serverId: (this as { threadId?: number | null }).threadId ?? undefined, socket: (this as { stream?: object }).stream });
      return sendObserved.call(this, send, end, sql, values, callback);
    };
  }
}

/** Sends the statement as the caller asked, telling `end` when it ended, before the caller hears of it. */
function sendObserved(this: object, send: SendFn, end: StatementEnd, sql: unknown, values: unknown, callback: unknown): unknown {
  const done = (error: Error | null | undefined, result?: unknown) => end(error ? classified(error, classifyMysqlError(error)) : undefined, rowsOf(result), firstRowOf(result));
  const around = (inner: Callback): Callback => (error, result, fields) => {
    done(error, result);
    inner(error, result, fields);
  };
  const command = sql as Command;
  // A pool's query arrives as a command made beforehand, with its callback inside.
  if (typeof sql === 'object' && sql !== null && typeof command.onResult === 'function') {
    command.onResult = around(command.onResult as Callback);
    return send.call(this, sql, values, callback);
  }
  if (typeof values === 'function') return send.call(this, sql, around(values as Callback));
  if (typeof callback === 'function') return send.call(this, sql, values, around(callback as Callback));
  // No callback: the command is an event emitter, whose end is what it emits.
  const emitted = send.call(this, sql, values, callback) as Command;
  if (typeof emitted?.once === 'function') {
    emitted.once('end', () => done(undefined));
    emitted.once('error', (error) => done(error as Error));
  } else done(undefined);
  return emitted;
}

/** Rows returned, or changed (a result header's affectedRows). */
/** The first row a query returned, unless its result holds a multi-statement query's several results. */
function firstRowOf(result: unknown): unknown {
  return Array.isArray(result) && !result.some((part) => Array.isArray(part)) ? result[0] : undefined;
}

function rowsOf(result: unknown): number {
  if (Array.isArray(result)) return result.length;
  const affected = (result as { affectedRows?: unknown } | undefined)?.affectedRows;
  return typeof affected === 'number' ? affected : 0;
}
