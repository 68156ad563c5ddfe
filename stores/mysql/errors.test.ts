import { describe, expect, it } from 'vitest';
import { toErrorRecord } from '../../harness/error-record.ts';
import { classifyMysqlError, storeError } from './errors.ts';

describe('classifyMysqlError', () => {
  it.each([
    [1062, 'integrity_error'],
    [1213, 'deadlock'],
    [1205, 'lock_timeout'],
    [2013, 'indeterminate'],
    [1146, undefined],
  ])('error %s is %s', (errno, outcome) => {
    expect(classifyMysqlError({ errno, code: 'X', sqlState: 'HY000' })).toBe(outcome);
  });

  it('takes a connection mysql2 saw end as indeterminate: the statement may have committed', () => {
    expect(classifyMysqlError({ code: 'PROTOCOL_CONNECTION_LOST', fatal: true })).toBe('indeterminate');
  });
});

describe('storeError', () => {
  it("keeps the server's number as the code and its words verbatim, with no stack", () => {
    const error = storeError({ errno: 1062, sqlState: '23000', code: 'ER_DUP_ENTRY', sqlMessage: "Duplicate entry 'k' for key 'PRIMARY'", message: 'x' });
    expect(toErrorRecord(error)).toEqual({ code: '1062', sqlState: '23000', severity: 'ERROR', message: "Duplicate entry 'k' for key 'PRIMARY'" });
    expect((error as { outcome?: string }).outcome).toBe('integrity_error');
  });
});
