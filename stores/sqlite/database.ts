/**
 * A `Database` over SQLite: no server, a database file per run. `--db sqlite` keeps the files in a
 * temporary directory of racelab's own (removed on stop, by its guardian if racelab is killed,
 * and by `racelab clean`); `--db sqlite:PATH` uses the file the user named, made and removed by
 * racelab (named-file.ts). The driver (node:sqlite or better-sqlite3) is the plan's
 * (descriptor.ts): this thread and the workers use the same one.
 */
import { readdirSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { Database, StoreTarget } from '../../harness/contract/store.ts';
import { SQLITE_ISOLATIONS, SQLITE_LACKS } from './traits.ts';
import { registerEmergencyCleanup } from '../shared/emergency.ts';
import { runNamespaceName } from '../shared/run-namespace.ts';
import { openServerDirectory, type ServerDirectory } from '../shared/server-process.ts';
import { SQLITE_DIRECTORY_PREFIX } from '../shared/server-directories.ts';
import { sqliteDriver } from './drivers.ts';
import type { SqliteDriverName } from './drivers/driver.ts';
import { sessionStoreModule } from './index.ts';
import { WAIT_MARKER, waitingConnections } from './lock-waits.ts';
import { isRacelabFile } from './named-file.ts';
import { BUSY_TIMEOUT_MS, CREATE_SQL } from './session-table.ts';
import { openRunConnection } from './run-connection.ts';
import { runStatement } from './statement.ts';

/** Where the run files go: a temporary directory, or the one file the user named. */
export type SqlitePlace = { directory: true } | { file: string };

export async function openSqliteDatabase(place: SqlitePlace, driverName: SqliteDriverName): Promise<Database> {
  const driver = sqliteDriver(driverName);
  // Before anything is made: a driver that cannot load leaves nothing to remove.
  const probe = driver.open(':memory:', { busyTimeoutMs: 0 });
  let version: string;
  try {
    version = String(probe.prepare('SELECT sqlite_version() AS version').all([])[0]!['version']);
  } finally {
    probe.close();
  }
  let directory: ServerDirectory | undefined;
  let named: string | undefined;
  let unregister = () => {};
  if ('file' in place) {
    named = resolve(place.file);
    const file = named;
    // An exit at once still removes the file racelab made.
    unregister = registerEmergencyCleanup(() => removeDatabaseFiles(file));
  } else {
    directory = await openServerDirectory(await mkdtemp(join(tmpdir(), `${SQLITE_DIRECTORY_PREFIX}p${process.pid.toString(36)}-`)), async () => {});
  }
  const open = new Set<string>();
  let stopped = false;

  const fileOf = (runId: string) => named ?? join(directory!.path, `${runNamespaceName(runId)}.sqlite3`);
  const drop = (file: string) => {
    removeDatabaseFiles(file);
    open.delete(file);
  };
  const connect = (file: string) => openRunConnection(driver, file, { mustExist: true, busyTimeoutMs: BUSY_TIMEOUT_MS });

  return {
    kind: named === undefined ? 'embedded' : 'file',
    product: 'SQLite',
    family: 'sqlite',
    version,
    storeModule: sessionStoreModule(driverName),
    defaultIsolation: 'deferred',
    isolations: SQLITE_ISOLATIONS,
    lacks: SQLITE_LACKS,
    async createRunSchema(runId: string): Promise<StoreTarget> {
      const file = fileOf(runId);
      if (named !== undefined && open.size > 0) throw new Error(`${named} holds a run already: one run at a time on a named file`);
      // A file racelab made and a killed run left is replaced; anybody else's is never touched.
      if (named !== undefined && isRacelabFile(file)) removeDatabaseFiles(file);
      const db = openRunConnection(driver, file, { busyTimeoutMs: BUSY_TIMEOUT_MS });
      open.add(file);
      try {
        for (const statement of CREATE_SQL) db.prepare(statement).run([]);
      } finally {
        db.close();
      }
      const namespace = runNamespaceName(runId);
      return { url: file, schema: namespace, database: { family: 'sqlite', url: file, namespace, connection: { filename: file } } };
    },
    async dropRunSchema(target) {
      drop(target.url);
    },
    async emptyRunTables(target) {
      const db = connect(target.url);
      try {
        const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all([]).map((row) => String(row['name']));
        for (const table of tables) db.prepare(`DELETE FROM "${table.replaceAll('"', '""')}"`).run([]);
      } finally {
        db.close();
      }
    },
    async runClient(target) {
      const db = connect(target.url);
      return {
        async query<Row>(text: string, values?: readonly unknown[]) {
          const { rows, rowCount } = runStatement(db.prepare(text), values ?? []);
          return { rows: rows as Row[], rowCount };
        },
        close: async () => {
          db.close();
        },
      };
    },
    async blockedBackends(pids) {
      const waiting = new Set<number>();
      for (const file of open) for (const pid of waitingConnections(file, pids)) waiting.add(pid);
      return waiting;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const file of [...open]) drop(file);
      unregister();
      await directory?.stop();
    },
  };
}

/**
 * Removes a run's database: the file, its WAL, shared-memory and journal files, and any wait
 * markers left. Named one by one: on a named file, a user's `race.sqlite3.bak` beside it stays.
 */
function removeDatabaseFiles(file: string): void {
  const name = basename(file);
  const ours = new Set([name, `${name}-wal`, `${name}-shm`, `${name}-journal`]);
  for (const entry of readdirSync(dirname(file))) {
    if (ours.has(entry) || entry.startsWith(`${name}${WAIT_MARKER}`)) rmSync(join(dirname(file), entry), { force: true });
  }
}
