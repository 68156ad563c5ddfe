import { randomBytes } from 'node:crypto';

/** A run id fit for a schema name: time-ordered, lower-case, unique enough to never clash. */
export function newRunId(): string {
  return `${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}
