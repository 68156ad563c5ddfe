/** The exit codes of docs/architecture.md and the README: a contract CI jobs rely on. */
export const EXIT = {
  /** Every verdict matches its scenario's expectation. */
  ok: 0,
  /** A verdict does not match: a finding. */
  mismatch: 1,
  /** Bad usage or input. */
  usage: 2,
  /** Infrastructure: the database could not start, a connection was lost, a worker failed. */
  infrastructure: 3,
  interrupted: 130,
} as const;
