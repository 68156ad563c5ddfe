/**
 * node:sqlite, loaded: the part of its API racelab uses, typed here (the @types/node of Node 20
 * racelab builds with has none), and checked to be there, since it grew over Node 22's releases.
 * Node 22 and early 24 print an ExperimentalWarning on stderr when the module first loads; racelab
 * loads it with that one warning held back, so that a run's output is racelab's own. Every other
 * warning, node:sqlite's or anybody's, passes.
 */
import { createRequire } from 'node:module';
import { DriverUnavailable, loadedOnce } from './driver.ts';

export interface NodeSqliteStatement {
  readonly sourceSQL: string;
  columns(): unknown[];
  all(...values: unknown[]): Record<string, unknown>[];
  get(...values: unknown[]): unknown;
  iterate(...values: unknown[]): Iterator<unknown>;
  run(...values: unknown[]): { changes: number | bigint };
}

export interface NodeSqliteDatabase {
  prepare(text: string): NodeSqliteStatement;
  exec(text: string): void;
  readonly isTransaction: boolean;
  close(): void;
}

export interface NodeSqliteModule {
  DatabaseSync: new (path: string, options?: { timeout?: number }) => NodeSqliteDatabase;
  StatementSync: { prototype: NodeSqliteStatement };
}

/** The words of the warning node:sqlite's first load emits, as Node 22 spells them. */
const EXPERIMENTAL_WARNING = 'SQLite is an experimental feature';

/** Whether `process.emitWarning(warning, typeOrOptions)` is node:sqlite's ExperimentalWarning. */
export function isNodeSqliteExperimentalWarning(warning: unknown, typeOrOptions: unknown): boolean {
  const type = typeof typeOrOptions === 'string' ? typeOrOptions : (typeOrOptions as { type?: unknown } | undefined)?.type;
  const name = warning instanceof Error ? warning.name : type;
  const message = warning instanceof Error ? warning.message : warning;
  return name === 'ExperimentalWarning' && typeof message === 'string' && message.startsWith(EXPERIMENTAL_WARNING);
}

/** Runs `load` with node:sqlite's ExperimentalWarning held back, and only that warning. */
export function withoutNodeSqliteWarning<T>(load: () => T): T {
  const emit = process.emitWarning;
  process.emitWarning = function (this: unknown, warning: unknown, ...rest: unknown[]) {
    if (isNodeSqliteExperimentalWarning(warning, rest[0])) return;
    return Reflect.apply(emit, this, [warning, ...rest]);
  } as typeof process.emitWarning;
  try {
    return load();
  } finally {
    process.emitWarning = emit;
  }
}

/** node:sqlite, or DriverUnavailable saying why this Node's cannot serve. Loaded once per thread. */
export const nodeSqliteModule: () => NodeSqliteModule = loadedOnce(load);

function load(): NodeSqliteModule | DriverUnavailable {
  const node = `Node ${process.versions.node}`;
  let module: Record<string, unknown>;
  try {
    module = withoutNodeSqliteWarning(() => createRequire(import.meta.url)('node:sqlite') as Record<string, unknown>);
  } catch {
    return new DriverUnavailable(`${node} has no node:sqlite`, 'run Node 22.16 or later, which has it built in');
  }
  // Node 26.11 names the classes Database and Statement, keeping the Sync names as aliases that may one day warn.
  const DatabaseSync = (module['Database'] ?? module['DatabaseSync']) as NodeSqliteModule['DatabaseSync'] | undefined;
  const StatementSync = (module['Statement'] ?? module['StatementSync']) as NodeSqliteModule['StatementSync'] | undefined;
  // A statement's columns (is it a reader?) and a connection's isTransaction came in Node 22.16.
  if (DatabaseSync === undefined || StatementSync === undefined || typeof StatementSync.prototype.columns !== 'function' || !hasIsTransaction(DatabaseSync)) {
    return new DriverUnavailable(`${node}'s node:sqlite lacks what racelab needs (a statement's columns(), a connection's isTransaction)`, 'run Node 22.16 or later');
  }
  return { DatabaseSync, StatementSync };
}

function hasIsTransaction(DatabaseSync: NodeSqliteModule['DatabaseSync']): boolean {
  const probe = new DatabaseSync(':memory:');
  try {
    return typeof probe.isTransaction === 'boolean';
  } finally {
    probe.close();
  }
}
