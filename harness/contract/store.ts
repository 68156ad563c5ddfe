/**
 * The store contract (docs/stores.md): what a database racelab runs on gives the harness, on the
 * main thread (`Database`) and in the worker threads (`OpenStore`, `StoreConnection`), and the
 * run's database as a scenario's own code reaches it.
 */
import type { WireObserver, WireProxy } from './wire.ts';
import type { ErrorRecord } from './results.ts';

/** A row of the session table, shaped like Django's `django_session`. */
export interface SessionRow {
  key: string;
  /** Names the op that wrote it (`w<worker>:op<n>`), so a row can be traced to its writer. */
  data: string;
  expireDate: Date;
}

/**
 * Where a run's rows live: a connection string and the run's own namespace, `racelab_<runid>`:
 * a schema on PostgreSQL, a database on MySQL/MariaDB (where SCHEMA is DATABASE's synonym), a
 * database file on SQLite (`url` is then the file's path).
 */
export interface StoreTarget {
  url: string;
  schema: string;
  /** The same namespace as a scenario's own code connects to it: `ctx.database`. */
  database: RunDatabase;
}

/**
 * The run's database as a scenario's own code connects to it (`ctx.database`, and the second
 * argument of `setup`, `audit` and `connect`): every connection made from it lands in the run's
 * namespace, so an application's own pool, ORM or migrations work on the run's tables unchanged.
 */
export interface RunDatabase {
  family: DatabaseFamily;
  /**
   * A connection string into the run's namespace. PostgreSQL: the server's URL with
   * `options=-c search_path=<schema>` and `application_name=<schema>`, so a pool made from it
   * reads and writes the run's schema; MySQL/MariaDB: the server's URL naming the run's database;
   * SQLite: the database file's path.
   */
  url: string;
  /** The run's namespace: the schema (PostgreSQL), the database (MySQL/MariaDB), or the file's name (SQLite). */
  namespace: string;
  /**
   * The same as an options object, for ORMs configured by fields rather than a URL. PostgreSQL and
   * MySQL: host, port, user, password, database (and, on PostgreSQL, the schema as `searchPath`);
   * SQLite: `filename`.
   */
  connection: RunConnectionOptions;
}

export interface RunConnectionOptions {
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  /** The database to connect to: on MySQL/MariaDB the run's own; on PostgreSQL the server's. */
  database?: string;
  /** PostgreSQL: the run's schema, as knex's `searchPath` and TypeORM's `schema` take it. */
  searchPath?: string;
  /** SQLite: the database file. */
  filename?: string;
}

/** The SQL dialects racelab speaks: one per store. MariaDB and MySQL share one. */
export type DatabaseFamily = 'postgresql' | 'mysql' | 'sqlite';

export const DATABASE_FAMILIES = ['postgresql', 'mysql', 'sqlite'] as const satisfies readonly DatabaseFamily[];

/**
 * What a scenario may need that not every database has: `row-locks` (`SELECT … FOR UPDATE`,
 * `existsForUpdate`) and `advisory-locks` (`lockKey`). A scenario declares its needs; on a
 * database that lacks one it is skipped, with the database's reason, rather than faked.
 */
export type Capability = 'row-locks' | 'advisory-locks';

export const CAPABILITIES = ['row-locks', 'advisory-locks'] as const satisfies readonly Capability[];

/**
 * Transaction isolation levels, as racelab's options spell them, and SQLite's transaction modes,
 * which take their place there (`BEGIN DEFERRED`, `BEGIN IMMEDIATE`; every SQLite transaction is
 * serializable, and a store given a level it does not offer refuses it: `Database.isolations`).
 */
export type Isolation = 'read-committed' | 'repeatable-read' | 'serializable' | 'deferred' | 'immediate';

/** The SQL standard's levels that PostgreSQL, MariaDB and MySQL offer. */
export const ISOLATIONS = ['read-committed', 'repeatable-read', 'serializable'] as const satisfies readonly Isolation[];

/** SQLite's transaction modes: a deferred transaction takes the write lock at its first write, an immediate one at BEGIN. */
export const TRANSACTION_MODES = ['deferred', 'immediate'] as const satisfies readonly Isolation[];

export const ALL_ISOLATIONS = [...ISOLATIONS, ...TRANSACTION_MODES] as const satisfies readonly Isolation[];

/**
 * The session-table primitives a scenario composes. Implemented by a store; opened once per
 * worker, on that worker's own connection.
 * WARNING: every method sends real statements; errors are the database's own and must be left
 * to propagate unless the scenario means to handle them.
 */
export interface SessionStore {
  /** `SELECT 1 … WHERE session_key = $1`: Django's `exists()`. */
  exists(key: string): Promise<boolean>;
  /**
   * `SELECT … FOR UPDATE` on the key: locks the row if there is one, and nothing if there is not.
   * SQLite has no row locks: a scenario that calls it declares `needs: ['row-locks']`.
   */
  existsForUpdate(key: string): Promise<boolean>;
  /** A plain INSERT. A taken key fails with the server's unique violation (outcome `integrity_error`). */
  insert(row: SessionRow): Promise<void>;
  /**
   * Inserts unless the key is taken, in one statement the unique key decides (PostgreSQL `INSERT …
   * ON CONFLICT DO NOTHING`, MySQL `INSERT … ON DUPLICATE KEY UPDATE`): true when this call inserted the row.
   */
  insertIfAbsent(row: SessionRow): Promise<boolean>;
  /**
   * Django `Model.save()`'s first statement: UPDATE by key. Returns the rows it matched, as Django
   * counts them on every database (on MySQL through the FOUND_ROWS flag Django sets).
   */
  update(row: SessionRow): Promise<number>;
  /**
   * An advisory lock on the key, held until the transaction ends (PostgreSQL
   * `pg_advisory_xact_lock`; MySQL `GET_LOCK`, released by the store at COMMIT or ROLLBACK).
   * SQLite has none: a scenario that calls it declares `needs: ['advisory-locks']`.
   */
  lockKey(key: string): Promise<void>;
  begin(isolation: Isolation): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

/**
 * A worker's connection as the harness holds it: the primitives a scenario sees, and what the
 * engine and explore need besides. Internal: scenarios see `SessionStore`, `ctx.db` and `ctx.step`.
 */
export interface StoreConnection extends SessionStore {
  /** True between `begin` and `commit`/`rollback`, so the harness can end what a failed op left open. */
  readonly inTransaction: boolean;
  /** The server's id of this connection (backend pid, connection id): how explore mode asks the server whether it waits on a lock. */
  readonly backendPid: number;
  /** The session data now stored under each key; absent keys are missing from the map. */
  read(keys: readonly string[]): Promise<Map<string, string>>;
  /** Deletes the row only if it still holds this data, so a worker never expires another's session. */
  deleteOwned(row: SessionRow): Promise<boolean>;
  /** The same connection for a scenario's own statements, on the run's schema. */
  readonly db: QueryClient;
  /** Runs `fn` as a named step: an interleaving point in explore mode, a timed one in stress mode. */
  step<T>(name: string, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * A query client on the run's namespace (PostgreSQL: `search_path` is set to it; MySQL: it is the
 * connection's database), for scenarios of their own tables. The SQL is the database's own dialect.
 */
export interface QueryClient {
  query<Row = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<{ rows: Row[]; rowCount: number }>;
}

/** One statement a store sent, as seen by a tracer: the SQL, its parameters and its result. */
export interface StatementTrace {
  /** The primitive that sent it, e.g. `exists`. */
  primitive: string;
  text: string;
  values: readonly unknown[];
  /** Rows returned or changed, when it succeeded. */
  rowCount?: number;
  error?: ErrorRecord;
}

export interface StoreOptions {
  /** Told about every statement after it completes. Costs nothing when absent. */
  onStatement?: (trace: StatementTrace) => void;
}

/**
 * How a store module lets racelab see and schedule the statements a scenario's own code sends
 * through the store's driver (node-postgres, mysql2), around racelab's own connections: its named
 * export `driver`. Installed in each worker thread before any scenario code runs.
 */
export interface DriverInterception {
  /** The drivers it patches, as npm names them (`pg`), for messages that say what is supported. */
  readonly drivers: readonly string[];
  /**
   * Patches the driver racelab loads, and the copy each of `modules` (a scenario's file) resolves,
   * so that every statement a connection other than racelab's own sends goes through `hooks`
   * before it reaches the socket. Idempotent.
   */
  install(hooks: DriverHooks, modules: readonly string[]): void;
  /**
   * The SQL texts in bytes written to the server in its wire protocol (PostgreSQL's Query and
   * Parse messages, MySQL's COM_QUERY and COM_STMT_PREPARE): how the statements of a driver
   * racelab does not intercept are named. Absent for a database without a socket.
   */
  wireStatements?(chunk: Uint8Array): string[];
}

/** What a store's driver patch tells the harness about each statement the scenario's code sends. */
export interface DriverHooks {
  /**
   * Called just before the driver hands `text` to the socket of `connection`; returns what to call
   * once it has ended, with the error it raised (already classified by the store) or the rows it
   * returned or changed, and the first row it read, when it read one (the timelines show it).
   * In explore mode it blocks the thread until the statement's turn.
   */
  statement(text: string, connection: DriverConnection): StatementEnd;
  /** Tells the harness that `socket` belongs to a connection the store intercepts (or is racelab's own). */
  claim(socket: object | undefined): void;
  /** A statement the driver showed but racelab cannot hold (a synchronous driver's): counted as uncontrolled, with `cause`. */
  unscheduled(text: string, cause: string): void;
}

/** A connection of a driver the store intercepts, as the harness needs to know it. */
export interface DriverConnection {
  /** The server's id of the connection (backend pid, connection id), once known: how explore asks whether it waits on a lock. */
  readonly serverId: number | undefined;
  /** The socket the driver writes to, so that its bytes are not taken for another driver's. */
  readonly socket: object | undefined;
}

export type StatementEnd = (error: unknown, rows?: number, firstRow?: unknown) => void;

/** Opens a store on a worker thread. A store module default-exports one of these. */
export type OpenStore = (target: StoreTarget, options?: StoreOptions) => Promise<StoreConnection>;

/**
 * A database racelab can run on, started or reached by a store's provisioning: the store contract's
 * side on the main thread (docs/stores.md). Its worker side is the module at `storeModule`.
 */
export interface Database {
  /**
   * How it was reached, as reports name it, in its store's words: the built-in stores say
   * `embedded` (started from npm binaries, or a file in a temporary directory), `local` (a
   * throwaway server from the machine's binaries), `container`, `server` (the user's) and `file`
   * (a file the user named).
   */
  readonly kind: string;
  /** The product as reports name it: `PostgreSQL`, `MariaDB`, `MySQL`, `SQLite`. */
  readonly product: string;
  /** The SQL dialect, which picks a scenario's expectation (`expectOn`). */
  readonly family: DatabaseFamily;
  /** The server's own version string. */
  readonly version: string;
  /** The module the worker threads open their connections with: its default export is an `OpenStore`. */
  readonly storeModule: string;
  /** The level a transaction gets when it asks for none. */
  readonly defaultIsolation: Isolation;
  /** The levels (or SQLite's modes) `--isolation` may name here; the first is a run's default. */
  readonly isolations: readonly Isolation[];
  /** What this database does not have, each with the reason a scenario that needs it is skipped. */
  readonly lacks: Partial<Record<Capability, string>>;
  /** Creates a fresh namespace `racelab_<runId>` holding an empty session table. */
  createRunSchema(runId: string): Promise<StoreTarget>;
  /** Drops what createRunSchema made. */
  dropRunSchema(target: StoreTarget): Promise<void>;
  /**
   * Deletes every row of the run's tables: fresh tables for the next explore run, at a fraction of
   * a new schema's cost. `sameTables`: the caller knows no table was made in the schema since its
   * last call for `target`, so the store may empty the tables it found then without looking again.
   */
  emptyRunTables(target: StoreTarget, sameTables?: boolean): Promise<void>;
  /**
   * Of the connections `pids` (`StoreConnection.backendPid`), those waiting for a lock that one of
   * `holders` (the run's own connections) holds: a lock held by anybody else, another run on the
   * same server, says nothing about this run's interleaving.
   */
  blockedBackends(pids: readonly number[], holders: readonly number[]): Promise<Set<number>>;
  /** A query client on the run's schema, for a scenario's setup and audit. */
  runClient(target: StoreTarget): Promise<QueryClient & { close(): Promise<void> }>;
  /**
   * A proxy into the run's namespace that tells `observer` of every statement sent through it: how
   * a command scenario's process, which connects by itself, is seen (contract/wire.ts). Absent on
   * a store that has none; a command scenario is then skipped, and the report says why.
   */
  wireProxy?(target: StoreTarget, observer: WireObserver): Promise<WireProxy>;
  /** Closes connections and stops and removes what was started. Idempotent. */
  stop(): Promise<void>;
}
