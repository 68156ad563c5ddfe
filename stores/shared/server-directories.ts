/**
 * The temporary directories racelab starts local servers in (and keeps SQLite's run files in),
 * named `<prefix>p<pid in base 36>-XXXXXX` so whose they are shows in their name. Each holds the
 * owner file (guardian.ts) and, while a server runs, its pid file. `racelab clean` looks for
 * exactly these.
 */
export const EMBEDDED_POSTGRES_PREFIX = 'racelab-pg-';
export const THROWAWAY_MARIADB_PREFIX = 'racelab-mariadb-';
export const SQLITE_DIRECTORY_PREFIX = 'racelab-sqlite-';

export interface ServerDirectoryKind {
  prefix: string;
  /** What the clean command calls it. */
  label: string;
  /** The server's pid file, relative to the directory: its first line is the pid. None for SQLite's, which has no server. */
  pidFile?: string;
}

export const SERVER_DIRECTORY_KINDS: readonly ServerDirectoryKind[] = [
  { prefix: EMBEDDED_POSTGRES_PREFIX, label: 'embedded PostgreSQL cluster', pidFile: 'data/postmaster.pid' },
  { prefix: THROWAWAY_MARIADB_PREFIX, label: 'throwaway MariaDB/MySQL server', pidFile: 'data/server.pid' },
  { prefix: SQLITE_DIRECTORY_PREFIX, label: 'SQLite run directory' },
];

/**
 * The system's temporary directory, where an embedded cluster goes when its service user cannot
 * reach the one racelab was given (stores/postgres/cluster-parent.ts).
 */
export const SYSTEM_TEMP_DIRECTORY = '/tmp';
