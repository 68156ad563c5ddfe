/**
 * node:sqlite, patched for interception: a connection's `prepare` and `exec`, a statement's `run`,
 * `get`, `all` and `iterate`, and the same four of a tag store (`db.createTagStore()`, whose
 * statements never pass through `prepare`). There is one node:sqlite per thread, whichever module
 * imports it, so one patch sees every scenario's statements.
 */
import { DriverUnavailable, type Observe } from './driver.ts';
import { nodeSqliteModule, type NodeSqliteDatabase, type NodeSqliteModule, type NodeSqliteStatement } from './node-sqlite-module.ts';

type Method = (...args: unknown[]) => unknown;

const PATCHED = Symbol.for('racelab.interceptedNodeSqlite');
/** The connection each statement was prepared on: node:sqlite's statements do not say. */
const connectionOf = new WeakMap<object, object>();
const STATEMENT_METHODS = ['run', 'get', 'all', 'iterate'] as const;

export function patchNodeSqlite(observe: Observe): void {
  let sqlite: NodeSqliteModule;
  try {
    sqlite = nodeSqliteModule();
  } catch (error) {
    // This Node has no node:sqlite racelab can use: nothing of it to patch.
    if (error instanceof DriverUnavailable) return;
    throw error;
  }
  const proto = sqlite.DatabaseSync.prototype as unknown as Record<string | symbol, unknown>;
  if (proto[PATCHED]) return;
  proto[PATCHED] = true;
  const prepare = proto['prepare'] as (this: NodeSqliteDatabase, ...args: unknown[]) => NodeSqliteStatement;
  proto['prepare'] = function (this: NodeSqliteDatabase, ...args: unknown[]) {
    const statement = prepare.apply(this, args);
    connectionOf.set(statement, this);
    return statement;
  };
  const exec = proto['exec'] as (this: NodeSqliteDatabase, sql: string) => unknown;
  proto['exec'] = function (this: NodeSqliteDatabase, sql: string) {
    return observe(this, sql, () => exec.call(this, sql), 'exec');
  };
  const statementProto = sqlite.StatementSync.prototype as unknown as Record<string, Method>;
  for (const method of STATEMENT_METHODS) {
    const original = statementProto[method]!;
    statementProto[method] = function (this: NodeSqliteStatement, ...args: unknown[]) {
      return observe(connectionOf.get(this) ?? this, this.sourceSQL, () => Reflect.apply(original, this, args), method);
    } as Method;
  }
  patchTagStores(proto, observe);
}

/**
 * A tag store runs `` sql.all`SELECT … WHERE id = ${id}` ``: its SQL is the template's strings
 * joined by `?`, as SQLite is given it. Each store node:sqlite makes has a prototype of its own, so
 * each is patched as `createTagStore` makes it.
 */
function patchTagStores(proto: Record<string | symbol, unknown>, observe: Observe): void {
  const createTagStore = proto['createTagStore'] as ((this: NodeSqliteDatabase, ...args: unknown[]) => object) | undefined;
  if (typeof createTagStore !== 'function') return;
  proto['createTagStore'] = function (this: NodeSqliteDatabase, ...args: unknown[]) {
    const store = createTagStore.apply(this, args);
    const storeProto = Object.getPrototypeOf(store) as Record<string | symbol, unknown>;
    if (storeProto[PATCHED]) return store;
    storeProto[PATCHED] = true;
    for (const method of STATEMENT_METHODS) {
      const original = storeProto[method];
      if (typeof original !== 'function') continue;
      storeProto[method] = function (this: { db: object }, strings: unknown, ...values: unknown[]) {
        const text = Array.isArray(strings) ? strings.join('?') : String(strings);
        return observe(this.db, text, () => Reflect.apply(original, this, [strings, ...values]), method);
      };
    }
    return store;
  };
}
