/**
 * node-postgres, intercepted: every statement a `pg.Client` that is not racelab's own sends goes
 * through the harness's hooks before it is queued on the connection. `Client.prototype.query` is
 * the one call Knex, Kysely, Drizzle's node-postgres driver, TypeORM, Sequelize, MikroORM and
 * Prisma's `@prisma/adapter-pg` all make, through `pg.Pool` or not; each of its forms (promise,
 * callback, a config object, a submittable `pg.Query`) is kept, and the driver's error reaches
 * the caller as it was, classified by its SQLSTATE.
 */
import { createRequire } from 'node:module';
import pg from 'pg';
import { classified } from '../../harness/classify.ts';
import type { DriverHooks, DriverInterception, StatementEnd } from '../../harness/contract/store.ts';
import { classifyPostgresError } from './errors.ts';
import { postgresWireStatements } from './wire-statements.ts';

type Callback = (error: Error | null | undefined, result?: unknown) => void;
type QueryFn = (this: pg.Client, config?: unknown, values?: unknown, callback?: unknown) => unknown;

const PATCHED = Symbol.for('racelab.interceptedPg');
const own = new WeakSet<object>();
let hooks: DriverHooks | undefined;

/** racelab's own connection: its store observes its statements, so they are never seen twice. */
export function ownConnection(client: pg.Client): void {
  own.add(client);
  hooks?.claim(socketOf(client));
}

export const postgresDriver: DriverInterception = {
  drivers: ['pg'],
  install(given: DriverHooks, modules: readonly string[]) {
    hooks = given;
    patch(pg.Client);
    // The copy of pg a scenario's own code resolves, when it is not racelab's.
    for (const module of modules) {
      try {
        patch((createRequire(module)('pg') as typeof pg).Client);
      } catch {
        // The scenario's code does not resolve pg: nothing of it to patch.
      }
    }
  },
  wireStatements: postgresWireStatements,
};

function socketOf(client: pg.Client): object | undefined {
  return (client as unknown as { connection?: { stream?: object } }).connection?.stream;
}

function patch(Client: typeof pg.Client): void {
  const proto = Client.prototype as unknown as { query: QueryFn; [PATCHED]?: true };
  if (proto[PATCHED]) return;
  proto[PATCHED] = true;
  const query = proto.query;
  proto.query = function (this: pg.Client, config?: unknown, values?: unknown, callback?: unknown) {
    const text = typeof config === 'string' ? config : (config as { text?: unknown } | null | undefined)?.text;
    if (hooks === undefined || own.has(this) || typeof text !== 'string') return query.call(this, config, values, callback);
    const end = hooks.statement(text, { serverId: (this as { processID?: number | null }).processID ?? undefined, socket: socketOf(this) });
    return sendObserved.call(this, query, end, config, values, callback);
  };
}

/** Sends the statement as the caller asked, telling `end` when it ended, before the caller hears of it. */
function sendObserved(this: pg.Client, query: QueryFn, end: StatementEnd, config: unknown, values: unknown, callback: unknown): unknown {
  const done = (error: Error | null | undefined, result?: unknown) => end(error ? classified(error, classifyPostgresError(error)) : undefined, rowsOf(result), firstRowOf(result));
  const around = (inner: Callback): Callback => (error, result) => {
    done(error, result);
    inner(error, result);
  };
  const submittable = config as { submit?: unknown; callback?: unknown; once?: (event: string, listener: (value?: unknown) => void) => void };
  if (typeof submittable.submit === 'function') {
    if (typeof values === 'function') return query.call(this, config, around(values as Callback));
    if (typeof submittable.callback === 'function') {
      submittable.callback = around(submittable.callback as Callback);
      return query.call(this, config);
    }
    // A cursor or a stream: its end is what it emits.
    if (typeof submittable.once === 'function') {
      submittable.once('end', (result) => done(undefined, result));
      submittable.once('error', (error) => done(error as Error));
    } else done(undefined);
    return query.call(this, config, values, callback);
  }
  if (typeof values === 'function') return query.call(this, config, around(values as Callback));
  if (typeof callback === 'function') return query.call(this, config, values, around(callback as Callback));
  if (typeof config === 'object' && config !== null && typeof (config as { callback?: unknown }).callback === 'function') {
    const inner = (config as { callback: Callback }).callback;
    return query.call(this, { ...config, callback: around(inner) }, values);
  }
  return (query.call(this, config, values) as Promise<unknown>).then(
    (result) => {
      done(undefined, result);
      return result;
    },
    (error: Error) => {
      done(error);
      throw error;
    },
  );
}

/**
 * The first row one statement returned, its columns named: a row of array mode (Prisma's) by the
 * result's fields. None said for a multi-statement query's several results.
 */
function firstRowOf(result: unknown): unknown {
  if (Array.isArray(result)) return undefined;
  const { rows, fields } = (result ?? {}) as { rows?: unknown; fields?: unknown };
  const first: unknown = Array.isArray(rows) ? rows[0] : undefined;
  if (!Array.isArray(first) || !Array.isArray(fields) || fields.length !== first.length) return first;
  return Object.fromEntries(fields.map((field: { name?: unknown }, i) => [String(field.name), first[i]]));
}

/** Rows returned or changed: a multi-statement query's results summed. */
function rowsOf(result: unknown): number {
  if (Array.isArray(result)) return result.reduce((sum: number, part) => sum + rowsOf(part), 0);
  const { rowCount, rows } = (result ?? {}) as { rowCount?: unknown; rows?: unknown };
  if (typeof rowCount === 'number') return rowCount;
  return Array.isArray(rows) ? rows.length : 0;
}
