import { describe, expect, it } from 'vitest';
import { classified } from './classify.ts';
import { opFailure } from './run-op.ts';

const duplicate = () => classified(Object.assign(new Error('duplicate key value violates unique constraint "profiles_user_id_key"'), { code: '23505', severity: 'ERROR' }), 'integrity_error');

describe("an op's failure", () => {
  it("is the thrown error's own classification, or the database error it wraps, first", () => {
    expect(opFailure(duplicate(), undefined).outcome).toBe('integrity_error');
    const wrapped = Object.assign(new Error('Validation error'), { name: 'SequelizeUniqueConstraintError', parent: duplicate() });
    expect(opFailure(wrapped, undefined)).toMatchObject({ outcome: 'integrity_error', error: { code: '23505', raisedAs: 'SequelizeUniqueConstraintError: Validation error' } });
  });

  it("is the op's last statement's failure when the ORM's error kept nothing of the driver's (Prisma's P2002)", () => {
    const p2002 = Object.assign(new Error('\nInvalid `prisma.profile.upsert()` invocation:\n\nUnique constraint failed on the fields: (`user_id`)'), {
      name: 'PrismaClientKnownRequestError',
      code: 'P2002',
      meta: { driverAdapterError: { cause: { originalCode: '23505', kind: 'UniqueConstraintViolation' } } },
    });
    expect(opFailure(p2002, duplicate())).toMatchObject({
      outcome: 'integrity_error',
      error: { code: '23505', message: 'duplicate key value violates unique constraint "profiles_user_id_key"', raisedAs: 'PrismaClientKnownRequestError: Invalid `prisma.profile.upsert()` invocation: Unique constraint failed on the fields: (`user_id`)' },
    });
  });

  it('is an error that is not a race when no statement of the op failed so, whatever the error says', () => {
    expect(opFailure(Object.assign(new Error('Unique constraint failed'), { code: 'P2002' }), undefined)).toMatchObject({ outcome: 'error', error: { code: 'P2002' } });
    expect(opFailure(new TypeError('scenario bug'), undefined).outcome).toBe('error');
  });
});
