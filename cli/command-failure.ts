import { InfrastructureError, UsageError } from '../run/errors.ts';
import { EXIT } from './exit-codes.ts';

/** How a command that threw ends: what kind of end, the one line on stderr, and the exit code. */
export interface CommandFailure {
  kind: 'usage' | 'infrastructure' | 'interrupted' | 'internal';
  line: string;
  code: number;
}

/**
 * Decides, once, how a command that threw ends: main() prints its line and returns its code, and the
 * gate renders the same value for GitHub Actions before main() sees the error.
 */
export function commandFailure(command: string, error: unknown, aborted: boolean): CommandFailure {
  if (error instanceof UsageError) return { kind: 'usage', line: `racelab ${command}: ${error.message}`, code: EXIT.usage };
  if (error instanceof InfrastructureError) {
    // One line: the first line of what went wrong; a stack is never the message.
    const line = `racelab ${command}: ${error.message.split('\n')[0]}`;
    return aborted ? { kind: 'interrupted', line, code: EXIT.interrupted } : { kind: 'infrastructure', line, code: EXIT.infrastructure };
  }
  return { kind: 'internal', line: `racelab ${command}: internal error: ${(error as Error).stack ?? String(error)}`, code: EXIT.infrastructure };
}
