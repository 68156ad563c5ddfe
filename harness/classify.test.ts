import { describe, expect, it } from 'vitest';
import { classifyError, isUniqueViolation } from './classify.ts';

describe('classifyError', () => {
  it.each([
    ['23505', 'integrity_error'],
    ['40001', 'serialization_failure'],
    ['40P01', 'deadlock'],
    ['57P01', 'indeterminate'],
    ['08006', 'indeterminate'],
    ['ECONNRESET', 'indeterminate'],
    ['42P01', 'error'],
    ['23503', 'error'],
  ])('SQLSTATE %s is %s', (code, outcome) => {
    expect(classifyError({ code, message: 'x' })).toBe(outcome);
  });

  it('takes a connection that ended under a query as indeterminate: it may have committed', () => {
    expect(classifyError({ message: 'Connection terminated unexpectedly' })).toBe('indeterminate');
  });

  it('takes anything else without a code as an error, not a race', () => {
    expect(classifyError({ message: 'scenario bug' })).toBe('error');
  });
});

describe('isUniqueViolation', () => {
  it('recognises 23505 only', () => {
    expect(isUniqueViolation({ code: '23505' })).toBe(true);
    expect(isUniqueViolation({ code: '40001' })).toBe(false);
    expect(isUniqueViolation(new Error('23505'))).toBe(false);
    expect(isUniqueViolation(null)).toBe(false);
  });
});
