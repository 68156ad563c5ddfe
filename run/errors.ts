/**
 * The two ways a command fails before it has a verdict. Each is printed as one line; the class
 * decides the exit code in cli/main.ts.
 */

/** Bad usage or input (exit 2). The message names the option and the rule. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The database could not start or be reached, or the run broke under us (exit 3). */
export class InfrastructureError extends Error {
  override name = 'InfrastructureError';
}
