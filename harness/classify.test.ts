import { describe, expect, it } from 'vitest';
import { classified, classifyError, databaseErrorOf, isUniqueViolation, outcomeOf } from './classify.ts';

describe('classifyError', () => {
  it("takes the store's classification", () => {
    expect(classifyError(classified(new Error('dup'), 'integrity_error'))).toBe('integrity_error');
    expect(classifyError(classified({ code: '1213' }, 'deadlock'))).toBe('deadlock');
  });

  it("takes Node's socket errors as indeterminate: the statement may have committed", () => {
    expect(classifyError({ code: 'ECONNRESET', message: 'x' })).toBe('indeterminate');
  });

  it('takes anything unclassified as an error, not a race, whatever its code or words', () => {
    expect(classifyError({ code: '23505', message: 'duplicate key' })).toBe('error');
    expect(classifyError(new Error('scenario bug'))).toBe('error');
  });

  it('ignores an outcome that is not one', () => {
    expect(outcomeOf({ outcome: 'collision' })).toBeUndefined();
  });
});

describe('isUniqueViolation', () => {
  it('recognises what a store classified as integrity_error, on any database', () => {
    expect(isUniqueViolation(classified({ code: '23505' }, 'integrity_error'))).toBe(true);
    expect(isUniqueViolation(classified({ code: '1062' }, 'integrity_error'))).toBe(true);
    expect(isUniqueViolation(classified({ code: '40001' }, 'serialization_failure'))).toBe(false);
    expect(isUniqueViolation(new Error('23505'))).toBe(false);
    expect(isUniqueViolation(null)).toBe(false);
  });
});

describe("an ORM's error around the database's", () => {
  const driver = () => classified(Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }), 'integrity_error');

  it('is classified by the driver error it wraps, wherever the ORM keeps it', () => {
    // Sequelize: parent and original; TypeORM: driverError; Drizzle and others: cause.
    for (const field of ['parent', 'original', 'driverError', 'cause']) {
      const wrapped = Object.assign(new Error('Validation error'), { [field]: driver() });
      expect(isUniqueViolation(wrapped), field).toBe(true);
      expect(classifyError(wrapped), field).toBe('integrity_error');
    }
  });

  it('finds the driver error a few wrappers deep, and nothing in an unclassified chain', () => {
    const inner = driver();
    const outer = new Error('outer', { cause: new Error('middle', { cause: inner }) });
    expect(databaseErrorOf(outer)).toBe(inner);
    expect(databaseErrorOf(new Error('outer', { cause: { code: '23505' } }))).toBeUndefined();
    expect(classifyError(new Error('outer', { cause: { code: '23505' } }))).toBe('error');
  });

  it('stops at a cycle of causes', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    a.cause = a;
    expect(databaseErrorOf(a)).toBeUndefined();
  });
});
