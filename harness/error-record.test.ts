import { describe, expect, it } from 'vitest';
import { classified } from './classify.ts';
import { toErrorRecord } from './error-record.ts';

describe('toErrorRecord', () => {
  it("keeps a database error's own fields verbatim and drops its stack", () => {
    const error = Object.assign(new Error('duplicate key value violates unique constraint "django_session_pkey"'), {
      code: '23505',
      severity: 'ERROR',
      detail: 'Key (session_key)=(abc) already exists.',
      constraint: 'django_session_pkey',
      table: 'django_session',
      schema: 'racelab_x',
      where: undefined,
    });
    expect(toErrorRecord(error)).toEqual({
      message: 'duplicate key value violates unique constraint "django_session_pkey"',
      code: '23505',
      severity: 'ERROR',
      detail: 'Key (session_key)=(abc) already exists.',
      constraint: 'django_session_pkey',
      table: 'django_session',
      schema: 'racelab_x',
    });
  });

  it('keeps the stack of an error that is not from the database: it is a bug to show', () => {
    const record = toErrorRecord(new TypeError('boom'));
    expect(record.message).toBe('boom');
    expect(record.stack).toContain('TypeError: boom');
  });

  it('survives structured cloning, unlike an Error', () => {
    const record = toErrorRecord(Object.assign(new Error('m'), { code: '40001', severity: 'ERROR' }));
    expect(structuredClone(record)).toEqual(record);
  });

  it('describes thrown non-objects', () => {
    expect(toErrorRecord('plain')).toEqual({ message: 'plain' });
  });

  it("keeps the database's error an ORM wrapped, and names the ORM's error it reached the op as", () => {
    const driver = classified(Object.assign(new Error('Duplicate entry'), { code: 'ER_DUP_ENTRY', errno: 1062, sqlState: '23000', sqlMessage: 'Duplicate entry' }), 'integrity_error');
    const record = toErrorRecord(Object.assign(new Error('Validation error'), { name: 'SequelizeUniqueConstraintError', parent: driver }));
    // mysql2's own error names the server's error number errno, as racelab's records give it.
    expect(record).toMatchObject({ message: 'Duplicate entry', code: '1062', sqlState: '23000', raisedAs: 'SequelizeUniqueConstraintError: Validation error' });
  });
});
