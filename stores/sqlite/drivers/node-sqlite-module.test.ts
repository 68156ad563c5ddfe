import { afterEach, describe, expect, it } from 'vitest';
import { isNodeSqliteExperimentalWarning, withoutNodeSqliteWarning } from './node-sqlite-module.ts';

/** What Node 22 emits when node:sqlite first loads (lib/internal/util.js, emitExperimentalWarning). */
const SQLITE_WARNING = 'SQLite is an experimental feature and might change at any time';

describe("node:sqlite's ExperimentalWarning", () => {
  const real = process.emitWarning;
  afterEach(() => {
    process.emitWarning = real;
  });

  it('is held back while node:sqlite loads, and only it: other warnings pass, and every warning after', () => {
    // What reaches Node's own emitWarning, recorded rather than printed.
    const passed: string[] = [];
    process.emitWarning = ((warning: string, type: string) => void passed.push(`${type}: ${warning}`)) as typeof process.emitWarning;
    const returned = withoutNodeSqliteWarning(() => {
      process.emitWarning(SQLITE_WARNING, 'ExperimentalWarning');
      process.emitWarning('WASI is an experimental feature and might change at any time', 'ExperimentalWarning');
      process.emitWarning(SQLITE_WARNING, 'DeprecationWarning');
      return 'loaded';
    });
    process.emitWarning(SQLITE_WARNING, 'ExperimentalWarning');
    expect(returned).toBe('loaded');
    expect(passed).toEqual([
      'ExperimentalWarning: WASI is an experimental feature and might change at any time',
      `DeprecationWarning: ${SQLITE_WARNING}`,
      `ExperimentalWarning: ${SQLITE_WARNING}`,
    ]);
  });

  it('is told by its type and words, in each form emitWarning takes', () => {
    expect(isNodeSqliteExperimentalWarning(SQLITE_WARNING, 'ExperimentalWarning')).toBe(true);
    expect(isNodeSqliteExperimentalWarning(SQLITE_WARNING, { type: 'ExperimentalWarning' })).toBe(true);
    expect(isNodeSqliteExperimentalWarning(Object.assign(new Error(SQLITE_WARNING), { name: 'ExperimentalWarning' }), undefined)).toBe(true);
    expect(isNodeSqliteExperimentalWarning(SQLITE_WARNING, undefined)).toBe(false);
    expect(isNodeSqliteExperimentalWarning('Fetch is an experimental feature', 'ExperimentalWarning')).toBe(false);
  });

  it('leaves process.emitWarning as it was, even when the load throws', () => {
    const before = process.emitWarning;
    expect(() =>
      withoutNodeSqliteWarning(() => {
        throw new Error('no node:sqlite');
      }),
    ).toThrow('no node:sqlite');
    expect(process.emitWarning).toBe(before);
  });
});
