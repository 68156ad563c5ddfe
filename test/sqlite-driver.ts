/**
 * SQLite's tests run on each driver this machine has: node:sqlite (built into Node 22.16 and
 * later) and better-sqlite3 (a native module racelab does not depend on, which `npm ci` leaves
 * out, and which loads only on the Node it was built for). A driver that cannot run here skips
 * its tests, and the suite says why once (global-setup.ts). Test files import the SQLite store
 * only inside their tests, so that they load without either.
 */
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe } from 'vitest';
import { SQLITE_DRIVERS, type SqliteDriverName } from '../stores/sqlite/drivers/driver.ts';
import { probeSqliteDriver, type DriverProbe } from '../stores/sqlite/drivers.ts';
import { pinnedWord } from '../stores/sqlite/driver-choice.ts';
import { SQLITE_DIRECTORY_PREFIX } from '../stores/shared/server-directories.ts';

const PROBES = new Map<SqliteDriverName, DriverProbe>(SQLITE_DRIVERS.map((driver) => [driver, probeSqliteDriver(driver)]));
/** Whether `driver` runs here. */
export const sqliteDriverRuns = (driver: SqliteDriverName) => PROBES.get(driver)!.usable;

/** Whether `--db sqlite` runs here, on whichever driver it takes. */
export const SQLITE_DRIVER = SQLITE_DRIVERS.some(sqliteDriverRuns);


/** One line for each driver that cannot run here: why, and what adds it. */
export function missingDriverLines(): string[] {
  return SQLITE_DRIVERS.flatMap((driver) => {
    const probe = PROBES.get(driver)!;
    if (probe.usable) return [];
    // A checkout adds better-sqlite3 without saving it, as .ci/run does; a user's project saves it.
    const fix = probe.fix.startsWith('npm install') ? 'npm install --no-save better-sqlite3@12 adds it, as .ci/run does' : probe.fix;
    return [`SQLite tests on ${driver} skipped: ${probe.why}; ${fix}`];
  });
}

/** Declares `body` once, on the driver `--db sqlite` takes here; skipped when there is none. */
export function describeSqlite(title: string, body: () => void): void {
  describe.skipIf(!SQLITE_DRIVER)(`${title} · SQLite`, body);
}

/**
 * Declares `body` once per driver, given the driver and the `--db` word that pins it: the same
 * tests on each. A driver that cannot run here has its copy skipped.
 */
export function describeEachSqliteDriver(title: string, body: (driver: SqliteDriverName, word: string) => void): void {
  for (const driver of SQLITE_DRIVERS) describe.skipIf(!sqliteDriverRuns(driver))(`${title} · SQLite on ${driver}`, () => body(driver, pinnedWord(driver)));
}

/** The SQLite run directories that process `pid` made and left in `parent`, the temp directory by default. */
export function sqliteDirectoriesOf(pid: number, parent = tmpdir()): string[] {
  return readdirSync(parent).filter((name) => name.startsWith(`${SQLITE_DIRECTORY_PREFIX}p${pid.toString(36)}-`));
}
