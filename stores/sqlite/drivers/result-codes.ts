/**
 * SQLite's result codes by name, as sqlite3.h defines them (https://sqlite.org/rescode.html): what
 * better-sqlite3 puts in an error's `code`, and what node:sqlite's numeric `errcode` means. An
 * extended code is its primary code with a number in the second byte: SQLITE_CONSTRAINT (19) |
 * 6 << 8 = 1555, SQLITE_CONSTRAINT_PRIMARYKEY.
 */

/** Per primary code: its name, then the suffix of each extended code by that number (a gap is one SQLite never used). */
const NAMES: Readonly<Record<number, readonly (string | undefined)[]>> = {
  1: ['ERROR', 'MISSING_COLLSEQ', 'RETRY', 'SNAPSHOT', 'RESERVESIZE', 'KEY', 'UNABLE'],
  2: ['INTERNAL'],
  3: ['PERM'],
  4: ['ABORT', undefined, 'ROLLBACK'],
  5: ['BUSY', 'RECOVERY', 'SNAPSHOT', 'TIMEOUT'],
  6: ['LOCKED', 'SHAREDCACHE', 'VTAB'],
  7: ['NOMEM'],
  8: ['READONLY', 'RECOVERY', 'CANTLOCK', 'ROLLBACK', 'DBMOVED', 'CANTINIT', 'DIRECTORY'],
  9: ['INTERRUPT'],
  10: ['IOERR', 'READ', 'SHORT_READ', 'WRITE', 'FSYNC', 'DIR_FSYNC', 'TRUNCATE', 'FSTAT', 'UNLOCK', 'RDLOCK', 'DELETE', 'BLOCKED', 'NOMEM', 'ACCESS', 'CHECKRESERVEDLOCK', 'LOCK', 'CLOSE', 'DIR_CLOSE', 'SHMOPEN', 'SHMSIZE', 'SHMLOCK', 'SHMMAP', 'SEEK', 'DELETE_NOENT', 'MMAP', 'GETTEMPPATH', 'CONVPATH', 'VNODE', 'AUTH', 'BEGIN_ATOMIC', 'COMMIT_ATOMIC', 'ROLLBACK_ATOMIC', 'DATA', 'CORRUPTFS', 'IN_PAGE', 'BADKEY', 'CODEC'],
  11: ['CORRUPT', 'VTAB', 'SEQUENCE', 'INDEX'],
  12: ['NOTFOUND'],
  13: ['FULL'],
  14: ['CANTOPEN', 'NOTEMPDIR', 'ISDIR', 'FULLPATH', 'CONVPATH', 'DIRTYWAL', 'SYMLINK'],
  15: ['PROTOCOL'],
  16: ['EMPTY'],
  17: ['SCHEMA'],
  18: ['TOOBIG'],
  19: ['CONSTRAINT', 'CHECK', 'COMMITHOOK', 'FOREIGNKEY', 'FUNCTION', 'NOTNULL', 'PRIMARYKEY', 'TRIGGER', 'UNIQUE', 'VTAB', 'ROWID', 'PINNED', 'DATATYPE'],
  20: ['MISMATCH'],
  21: ['MISUSE'],
  22: ['NOLFS'],
  23: ['AUTH', 'USER'],
  24: ['FORMAT'],
  25: ['RANGE'],
  26: ['NOTADB'],
  27: ['NOTICE', 'RECOVER_WAL', 'RECOVER_ROLLBACK', 'RBU'],
  28: ['WARNING', 'AUTOINDEX'],
};

/**
 * A result code's name (`SQLITE_CONSTRAINT_PRIMARYKEY`); one SQLite added after this table is
 * named as better-sqlite3 names it, `UNKNOWN_SQLITE_ERROR_<n>`.
 */
export function resultCodeName(code: number): string {
  const names = NAMES[code & 0xff];
  const primary = names?.[0];
  const extended = names?.[code >> 8];
  if (primary === undefined || extended === undefined) return `UNKNOWN_SQLITE_ERROR_${code}`;
  return code >> 8 === 0 ? `SQLITE_${primary}` : `SQLITE_${primary}_${extended}`;
}
