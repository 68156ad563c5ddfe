import type { OverallVerdict } from '../harness/verdict.ts';

/** The exit codes of docs/architecture.md and the README: a contract CI jobs rely on. */
export const EXIT = {
  /** Every check passed: each verdict matches its scenario's expectation, on evidence. */
  ok: 0,
  /** A check failed, or has no evidence either way: a finding, or a gate that has lost its power. */
  mismatch: 1,
  /** Bad usage or input. */
  usage: 2,
  /** Infrastructure: the database could not start, a connection was lost, a worker failed, ops failed with errors that are not races. */
  infrastructure: 3,
  interrupted: 130,
} as const;

/** The exit code of an invocation's overall verdict: the one place it is mapped. */
export function exitCodeOf(verdict: OverallVerdict): number {
  switch (verdict) {
    case 'pass':
      return EXIT.ok;
    case 'fail':
    case 'no-evidence':
      return EXIT.mismatch;
    case 'broken':
      return EXIT.infrastructure;
    case 'interrupted':
      return EXIT.interrupted;
  }
}
