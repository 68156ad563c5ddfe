/**
 * SQLite's tests need better-sqlite3, a native module racelab does not depend on, which `npm ci`
 * leaves out: without it they are skipped, and the suite says so once (global-setup.ts). Test
 * files import the SQLite store only inside their tests, so that they load without it.
 */
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe } from 'vitest';
import { hasPackage } from '../stores/registry.ts';
import { SQLITE_DIRECTORY_PREFIX } from '../stores/shared/server-directories.ts';

export const SQLITE_DRIVER = hasPackage('better-sqlite3');
export const NO_SQLITE_DRIVER = 'better-sqlite3 is not installed; npm install --no-save better-sqlite3@12 adds it, as .ci/run does';

/** Declares `body`, skipped when better-sqlite3 is missing. */
export function describeSqlite(title: string, body: () => void): void {
  describe.skipIf(!SQLITE_DRIVER)(`${title} · SQLite`, body);
}

/** The SQLite run directories that process `pid` made and left in `parent`, the temp directory by default. */
export function sqliteDirectoriesOf(pid: number, parent = tmpdir()): string[] {
  return readdirSync(parent).filter((name) => name.startsWith(`${SQLITE_DIRECTORY_PREFIX}p${pid.toString(36)}-`));
}
