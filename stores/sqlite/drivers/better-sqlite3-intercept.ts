/**
 * better-sqlite3, patched for interception: `Statement#run`, `get`, `all`, `iterate` and
 * `Database#exec`, on racelab's own copy and on the copy each scenario module resolves.
 */
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { betterSqlite3Library } from './better-sqlite3.ts';
import type { Observe } from './driver.ts';

type Library = typeof BetterSqlite3;
type Method = (this: BetterSqlite3.Statement, ...args: unknown[]) => unknown;

const PATCHED = Symbol.for('racelab.interceptedSqlite');

/** Patches every copy of better-sqlite3 that loads here; a copy that is missing or does not load has nothing to patch. */
export function patchBetterSqlite3(observe: Observe, modules: readonly string[]): void {
  const copies: (() => Library)[] = [betterSqlite3Library, ...modules.map((module) => () => createRequire(module)('better-sqlite3') as Library)];
  for (const copy of copies) {
    try {
      patch(copy(), observe);
    } catch {
      // Not installed, or built for another Node: racelab's store runs on node:sqlite then, and the scenario's code cannot use it either.
    }
  }
}

function patch(Database: Library, observe: Observe): void {
  const proto = Database.prototype as unknown as Record<string | symbol, unknown>;
  if (proto[PATCHED]) return;
  // The statement class is the native addon's: reached through a statement of a throwaway database.
  const probe = new Database(':memory:');
  const statementProto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, unknown>;
  probe.close();
  proto[PATCHED] = true;
  for (const method of ['run', 'get', 'all', 'iterate'] as const) {
    const original = statementProto[method] as Method;
    statementProto[method] = function (this: BetterSqlite3.Statement, ...args: unknown[]) {
      return observe(this.database, this.source, () => original.apply(this, args), method);
    };
  }
  const exec = proto['exec'] as (this: BetterSqlite3.Database, sql: string) => unknown;
  proto['exec'] = function (this: BetterSqlite3.Database, sql: string) {
    return observe(this, sql, () => exec.call(this, sql), 'exec');
  };
}
