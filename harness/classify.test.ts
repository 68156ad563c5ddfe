import { describe, expect, it } from 'vitest';
import { classified, classifyError, isUniqueViolation, outcomeOf } from './classify.ts';

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
