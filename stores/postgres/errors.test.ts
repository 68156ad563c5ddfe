import { describe, expect, it } from 'vitest';
import { classifyPostgresError } from './errors.ts';

describe('classifyPostgresError', () => {
  it.each([
    ['23505', 'integrity_error'],
    ['40001', 'serialization_failure'],
    ['40P01', 'deadlock'],
    ['55P03', 'lock_timeout'],
    ['57P01', 'indeterminate'],
    ['08006', 'indeterminate'],
    ['42P01', undefined],
    ['23503', undefined],
  ])('SQLSTATE %s is %s', (code, outcome) => {
    expect(classifyPostgresError({ code, message: 'x' })).toBe(outcome);
  });

  it("takes node-postgres's lost connection, which has no code, as indeterminate: it may have committed", () => {
    expect(classifyPostgresError({ message: 'Connection terminated unexpectedly' })).toBe('indeterminate');
  });

  it('gives anything else no outcome: the harness then counts it an error, not a race', () => {
    expect(classifyPostgresError({ message: 'scenario bug' })).toBeUndefined();
    expect(classifyPostgresError(null)).toBeUndefined();
  });
});
