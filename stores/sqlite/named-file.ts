/**
 * `--db sqlite:PATH`: a database file the user names. racelab creates it and removes it after the
 * run; it never opens, let alone deletes, a file it did not make. A file is racelab's when its
 * SQLite header carries racelab's application id: read from the header itself, so the check needs
 * no driver and runs before anything starts.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { RACELAB_APPLICATION_ID } from './session-table.ts';

/** Where SQLite's file header keeps the application id (https://sqlite.org/fileformat.html). */
const APPLICATION_ID_OFFSET = 68;
const HEADER = 'SQLite format 3\0';

/** Whether `file` is a SQLite database racelab made (left by a run that was killed). */
export function isRacelabFile(file: string): boolean {
  const header = Buffer.alloc(APPLICATION_ID_OFFSET + 4);
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return false;
  }
  try {
    const read = readSync(fd, header, 0, header.length, 0);
    return read === header.length && header.toString('latin1', 0, HEADER.length) === HEADER && header.readUInt32BE(APPLICATION_ID_OFFSET) === RACELAB_APPLICATION_ID;
  } finally {
    closeSync(fd);
  }
}

/** Why racelab may not use `path` as its database file, or undefined when it may. */
export function namedFileProblem(path: string): string | undefined {
  const file = resolve(path);
  let exists = true;
  try {
    if (!statSync(file).isFile()) return `${path} exists and is not a file; name a file racelab may create`;
  } catch {
    exists = false;
  }
  if (exists && !isRacelabFile(file)) return `${path} exists and is not a database racelab made; racelab creates its own file and removes it after the run, so name one that does not exist`;
  try {
    if (!statSync(dirname(file)).isDirectory()) return `${dirname(file)} is not a directory`;
  } catch {
    return `the directory ${dirname(file)} does not exist`;
  }
  return undefined;
}
