import { describe, expect, it } from 'vitest';
import { toErrorRecord } from '../../harness/error-record.ts';
import { resultCodeName } from './drivers/result-codes.ts';
import { classifySqliteError, storeError } from './errors.ts';

/** The same SQLite error as each driver throws it: better-sqlite3 names the code, node:sqlite numbers it. */
const asThrown = (name: string, errcode: number, message: string) => ({
  'better-sqlite3': Object.assign(new Error(message), { name: 'SqliteError', code: name }),
  'node:sqlite': Object.assign(new Error(message), { code: 'ERR_SQLITE_ERROR', errcode, errstr: 'constraint failed' }),
});

describe('SQLite errors, from either driver', () => {
  it.each([
    ['SQLITE_CONSTRAINT_PRIMARYKEY', 1555, 'integrity_error'],
    ['SQLITE_CONSTRAINT_UNIQUE', 2067, 'integrity_error'],
    ['SQLITE_BUSY_SNAPSHOT', 517, 'serialization_failure'],
    ['SQLITE_BUSY', 5, 'lock_timeout'],
    ['SQLITE_LOCKED', 6, 'lock_timeout'],
    ['SQLITE_CONSTRAINT_NOTNULL', 1299, undefined],
    ['SQLITE_ERROR', 1, undefined],
  ])('%s (%d) is %s on both', (name, errcode, outcome) => {
    const thrown = asThrown(name, errcode, 'words');
    expect(classifySqliteError(thrown['better-sqlite3'])).toBe(outcome);
    expect(classifySqliteError(thrown['node:sqlite'])).toBe(outcome);
  });

  it("keeps SQLite's code by name and its own words, the same whichever driver threw", () => {
    const thrown = asThrown('SQLITE_CONSTRAINT_PRIMARYKEY', 1555, 'UNIQUE constraint failed: django_session.session_key');
    const records = Object.values(thrown).map((error) => toErrorRecord(storeError(error)));
    expect(records[0]).toEqual({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY', severity: 'ERROR', message: 'UNIQUE constraint failed: django_session.session_key' });
    expect(records[1]).toEqual(records[0]);
  });

  it("passes an error that is not SQLite's as it was: a bad binding, node:sqlite's own misuse, a bug", () => {
    const binding = new TypeError('SQLite3 can only bind numbers, strings, bigints, buffers, and null');
    const misuse = Object.assign(new Error('database is not open'), { code: 'ERR_INVALID_STATE' });
    expect(storeError(binding)).toBe(binding);
    expect(storeError(misuse)).toBe(misuse);
    expect(classifySqliteError(misuse)).toBeUndefined();
  });
});

describe('resultCodeName', () => {
  it.each([
    [19, 'SQLITE_CONSTRAINT'],
    [1555, 'SQLITE_CONSTRAINT_PRIMARYKEY'],
    [2067, 'SQLITE_CONSTRAINT_UNIQUE'],
    [516, 'SQLITE_ABORT_ROLLBACK'],
    [773, 'SQLITE_BUSY_TIMEOUT'],
    [3850, 'SQLITE_IOERR_LOCK'],
  ])('%d is %s, as sqlite3.h defines it', (code, name) => {
    expect(resultCodeName(code)).toBe(name);
  });

  it('names a code it does not know as better-sqlite3 does, gaps included', () => {
    expect(resultCodeName(260)).toBe('UNKNOWN_SQLITE_ERROR_260');
    expect(resultCodeName(99)).toBe('UNKNOWN_SQLITE_ERROR_99');
    expect(resultCodeName(19 | (40 << 8))).toBe(`UNKNOWN_SQLITE_ERROR_${19 | (40 << 8)}`);
  });
});
