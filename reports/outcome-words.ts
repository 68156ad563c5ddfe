import type { Outcome } from '../harness/contract/outcomes.ts';

/** How every report names each outcome, as a noun: one home for the words. */
export const OUTCOME_WORDS: Readonly<Record<Outcome, string>> = {
  ok: 'ok',
  integrity_error: 'IntegrityError',
  serialization_failure: 'serialization failure',
  deadlock: 'deadlock',
  lock_timeout: 'lock timeout',
  key_space_exhausted: 'key space exhausted',
  indeterminate: 'indeterminate',
  error: 'error',
  overwritten: 'silent overwrite',
  lost: 'session lost',
  invariant_violated: 'invariant violated',
};
