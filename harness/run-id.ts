import { randomBytes } from 'node:crypto';

/**
 * A run id fit for a schema name: time-ordered, lower-case, unique enough to never clash. It
 * carries the id of the process that made it (`runIdTag`), so what one process created can be told
 * from everybody else's on a shared server, by the process itself and by a test watching it.
 */
export function newRunId(): string {
  return `${Date.now().toString(36)}${runIdTag(process.pid)}${randomBytes(3).toString('hex')}`;
}

/** The part of every run id made by process `pid`. */
export function runIdTag(pid: number): string {
  return `_p${pid.toString(36)}_`;
}
