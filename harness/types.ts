import type { TimelineEntry } from './timeline.ts';

/**
 * The harness's public types. Scenarios, stores and reports depend on this file; it depends on
 * nothing of theirs.
 */

/** How one op ended. The first eight come from the op itself, the last three from an audit. */
export type Outcome =
  | 'ok'
  | 'integrity_error'
  | 'serialization_failure'
  | 'deadlock'
  /** The database gave up waiting for a lock (PostgreSQL 55P03, MySQL/MariaDB 1205, SQLite SQLITE_BUSY: "database is locked"). */
  | 'lock_timeout'
  | 'key_space_exhausted'
  | 'indeterminate'
  | 'error'
  | 'overwritten'
  | 'lost'
  /** Counted by a scenario's own audit hook: e.g. two users with one email, though every op was told ok. */
  | 'invariant_violated';

/** Violations the op's caller saw: the race surfaced as an error from the database. */
export const LOUD_VIOLATIONS = ['integrity_error', 'serialization_failure', 'deadlock', 'lock_timeout'] as const satisfies readonly Outcome[];

/**
 * Violations no caller saw: the op was told `ok`, and the audit found its session later holding
 * another op's data (`overwritten`) or gone without its owner deleting it (`lost`).
 */
export const SILENT_VIOLATIONS = ['overwritten', 'lost', 'invariant_violated'] as const satisfies readonly Outcome[];

/** Every outcome that violates the property. */
export const VIOLATIONS = [...LOUD_VIOLATIONS, ...SILENT_VIOLATIONS] as const satisfies readonly Outcome[];

/**
 * `key_space_exhausted` is neither a race nor a harness failure: the key space was too small for
 * the load (or a schedule kept the key's holder from finishing). It is counted and shown, but it
 * is no evidence either way, so it does not decide a verdict.
 */
export const CAPACITY = ['key_space_exhausted'] as const satisfies readonly Outcome[];

/**
 * Outcomes that say nothing about the race: the harness, the scenario or the database failed.
 * A run with any of them has no trustworthy verdict.
 */
export const HARNESS_FAILURES = ['indeterminate', 'error'] as const satisfies readonly Outcome[];

export const OUTCOMES = ['ok', ...VIOLATIONS, ...CAPACITY, ...HARNESS_FAILURES] as const satisfies readonly Outcome[];

export type OutcomeCounts = Record<Outcome, number>;

/** What a scenario declares it should show: `unsafe` ones are expected to reproduce the race. */
export type Expectation = 'safe' | 'unsafe';

/**
 * An error as plain data. Errors cross the worker-thread boundary this way because
 * `postMessage` drops the fields of an `Error`; the database's own words are kept verbatim.
 */
export interface ErrorRecord {
  /**
   * The database's own code: a SQLSTATE from PostgreSQL, an error number from MySQL/MariaDB
   * (`1062`), an extended result code from SQLite (`SQLITE_CONSTRAINT_PRIMARYKEY`); or a driver's
   * or Node's code such as `ECONNRESET`.
   */
  code?: string;
  /** The SQLSTATE, where the code is an error number (MySQL/MariaDB: 1062 is SQLSTATE 23000). */
  sqlState?: string;
  message: string;
  severity?: string;
  detail?: string;
  hint?: string;
  constraint?: string;
  table?: string;
  schema?: string;
  /** Stack of a non-database error: a bug in a scenario or the harness. */
  stack?: string;
  /** When an ORM wrapped the database's error: its error's name and first line (`SequelizeUniqueConstraintError: Validation error`). */
  raisedAs?: string;
}

/** What the audit found in place of an op's session. */
export interface AuditFinding {
  /** The data the op wrote: it names the op. */
  wrote: string;
  /** The data the row holds now, naming the op that overwrote it; null when the row is gone. */
  found: string | null;
}

/** One op that did not end `ok`, kept as evidence. */
export interface OpSample {
  outcome: Outcome;
  scenario: string;
  /** The worker's number, counted from 1 as every label racelab prints (`w1`). */
  worker: number;
  /** The op's number within its worker, counted from 1 (`op1`). */
  op: number;
  /** The session key the op was saving when it ended, if it had drawn one. */
  key?: string;
  /** Milliseconds since the workers were released from the start barrier; for audit outcomes, when the audit saw it. */
  atMs: number;
  error: ErrorRecord;
  /** For `overwritten` and `lost`: what the audit found. */
  audit?: AuditFinding;
  /** The race around this op: its steps and the other workers' steps on its key, when recorded. */
  timeline?: TimelineEntry[];
}

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
 * What a store tells the harness about an error it throws: the racelab outcome the database's own
 * code means. Stores classify by code, never by message text, and set it on every database error
 * that passes through them (`harness/classify.ts`, `classified`).
 */
export interface ClassifiedError {
  outcome?: Outcome;
}

/**
 * Where session keys come from:
 * - `shrunk`: K distinct keys, so collisions happen in seconds;
 * - `django`: the real key space, 32 characters of [a-z0-9] (36^32 ≈ 6.3·10^49 keys), each worker
 *   with its own generator, as Django's `get_random_string` behaves;
 * - `same-seed`: the real key space, but every worker's generator seeded alike, the
 *   fork-after-seeding bug that makes long keys collide in production.
 */
export type KeyMode = 'shrunk' | 'django' | 'same-seed';
export const KEY_MODES = ['shrunk', 'django', 'same-seed'] as const satisfies readonly KeyMode[];

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
   * returned or changed. In explore mode it blocks the thread until the statement's turn.
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

export type StatementEnd = (error: unknown, rows?: number) => void;

/** Opens a store on a worker thread. A store module default-exports one of these. */
export type OpenStore = (target: StoreTarget, options?: StoreOptions) => Promise<StoreConnection>;

/**
 * How one op of a scenario ended, as the scenario reports it: a session saved (and then audited),
 * or nothing at all (`undefined`: the op simply succeeded). Thrown errors are classified instead;
 * `ctx.key()` throws past the draw cap, and the op ends `key_space_exhausted`.
 */
export type OpResult = { saved: SessionRow } | undefined | void;

/**
 * What an op is handed. Each worker reuses one context, reset before each of its ops. `C` is what
 * the scenario's `connect` made for this worker (its own pool, ORM or client).
 */
export interface OpContext<C = unknown> {
  /** The session-table primitives, on this worker's own connection. */
  readonly store: SessionStore;
  /** A query client on the run's schema, on this worker's own connection. */
  readonly db: QueryClient;
  /** The run's database as the scenario's own code connects to it: see `RunDatabase`. */
  readonly database: RunDatabase;
  /**
   * What the scenario's `connect` returned for this worker: the application's own pool or ORM,
   * whose statements racelab sees and schedules as it does `db`'s (on the drivers it intercepts,
   * `DriverInterception`). Undefined without `connect`.
   */
  readonly connection: C;
  /** This op's name for the audit and the reports: `w2:op17`. Write it into the rows the op creates. */
  readonly owner: string;
  /**
   * Draws the next random key for this op. Past the draw cap (`--max-attempts`), which keeps a
   * full key space from hanging the run, it throws and the op ends `key_space_exhausted`.
   */
  key(): string;
  /** Runs `fn` as a named step: an interleaving point in explore mode, a timed one in stress mode. */
  step<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /** The isolation level configured for the run (`--isolation`), for scenarios that take it. */
  readonly isolation: Isolation;
  /** The row this op saves under `key`: its data names the op. */
  session(key: string): SessionRow;
  /** Counts a collision the scenario absorbed by retrying, for the report. */
  retried(): void;
  /** The op's result when it saved a session: the audit then checks the row still holds it. */
  saved(row: SessionRow): OpResult;
}

/** A scenario as its author writes it, passed to `defineScenario`. `C` is what its `connect` makes. */
export interface ScenarioDefinition<C = unknown> {
  /** Lower-case words joined by dashes: how users select it. */
  name: string;
  expect: Expectation;
  /** One line: why it is expected safe or unsafe. */
  why: string;
  /** Where the pattern comes from, e.g. the code it mirrors. */
  origin?: string;
  /** The property its ops are checked against, in words; a general one when not given. */
  property?: string;
  /**
   * Creates the scenario's own tables in the run's schema, once per run, before any op: with `db`,
   * or with the application's own migrations connected through `database`.
   */
  setup?(db: QueryClient, database: RunDatabase): Promise<void>;
  /**
   * Finds violations no error reported, once every op of the run is done: each problem counts as
   * one op that was told ok but broke the invariant (e.g. a second user with the same email).
   */
  audit?(db: QueryClient, database: RunDatabase): Promise<AuditProblem[]>;
  /**
   * Once per worker, on its thread, before its first op: makes what its ops use, typically the
   * application's own pool or ORM connected through `database` (`ctx.connection`). Statements it
   * sends here are no op's.
   */
  connect?(database: RunDatabase): C | Promise<C>;
  /** Once per worker, after its last op and audit: closes what `connect` made (a pool's `end()`, knex's `destroy()`). */
  disconnect?(connection: C): void | Promise<void>;
  /**
   * The transactions the op opens: `configured` when it takes `--isolation` (ctx.isolation), a
   * level when it always uses that one; absent when it runs in autocommit. Reports show it.
   */
  isolation?: 'configured' | Isolation;
  /**
   * Where the expectation changes with the configured isolation level, the expectation and why
   * for that level. Only for scenarios with `isolation: 'configured'`.
   */
  expectUnder?: Partial<Record<Isolation, { expect: Expectation; why: string }>>;
  /**
   * Where a database family behaves otherwise, its own expectation and reason, and per isolation
   * level (`under`, for scenarios with `isolation: 'configured'`). Unnamed families take the ones above.
   */
  expectOn?: Partial<Record<DatabaseFamily, FamilyExpectation>>;
  /**
   * What the op uses that not every database has. On a database that lacks one the scenario is
   * skipped, and the report says why.
   */
  needs?: readonly Capability[];
  /** One attempt to do the scenario's job. Throw (or let the database throw) to fail it. */
  op(ctx: OpContext<C>): Promise<OpResult>;
}

/** A scenario's expectation on one database family: see `ScenarioDefinition.expectOn`. */
export interface FamilyExpectation {
  expect: Expectation;
  why: string;
  under?: Partial<Record<Isolation, { expect: Expectation; why: string }>>;
}

/** A violation a scenario's audit found: what is wrong, and the key it is about. */
export interface AuditProblem {
  message: string;
  key?: string;
}

export interface Scenario<C = unknown> extends ScenarioDefinition<C> {
  readonly kind: 'racelab.scenario';
  origin: string;
  property: string;
  /** The module that defined it, when it could be told: workers load the scenario from there. */
  readonly module?: string;
}

/** The knobs of a run, identical for every scenario in one invocation. */
export interface RunConfig {
  /** Concurrent clients, each with its own connection, op order, owner tag and audit (`--clients`). */
  workers: number;
  /** Threads the workers are spread over (`--threads`, as pgbench's `-j`); at most `workers`. */
  threads: number;
  /** Ops per worker; with `durationMs`, the most a worker runs before its time is up. */
  opsPerWorker: number;
  /** Runs for this long instead of a count (`--duration`, as pgbench's `-T`). */
  durationMs?: number;
  /** Where keys come from; see key-modes.ts. */
  keys: KeyMode;
  /** Distinct keys: K with `keys: 'shrunk'`, 36^32 for the modes that draw from the real key space. */
  keySpace: number;
  /**
   * Target fraction of a shrunk key space held by live sessions; workers expire their oldest to
   * keep it. Ignored with a real key space, where every session lives through the run.
   */
  occupancy: number;
  /** Key draws one op may make before it ends `key_space_exhausted`. */
  maxAttempts: number;
  seed: number;
  /** The level of scenarios whose transactions take the configured isolation. */
  isolation: Isolation;
  /** An op that has not finished after this long ends `indeterminate`, and the run stops. */
  opTimeoutMs: number;
}

/**
 * A database racelab can run on, started or reached by a store's provisioning: the store contract's
 * side on the main thread (docs/stores.md). Its worker side is the module at `storeModule`.
 */
export interface Database {
  /**
   * `embedded`: an embedded PostgreSQL from npm binaries, or SQLite in a temporary directory;
   * `local`: a throwaway server started here from the machine's binaries; `container`:
   * testcontainers; `server`: the user's; `file`: a SQLite database file the user named.
   */
  readonly kind: 'embedded' | 'local' | 'container' | 'server' | 'file';
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
  /** Deletes every row of the run's tables: fresh tables for the next explore run, at a fraction of a new schema's cost. */
  emptyRunTables(target: StoreTarget): Promise<void>;
  /**
   * Of the connections `pids` (`StoreConnection.backendPid`), those waiting for a lock that one of
   * `holders` (the run's own connections) holds: a lock held by anybody else, another run on the
   * same server, says nothing about this run's interleaving.
   */
  blockedBackends(pids: readonly number[], holders: readonly number[]): Promise<Set<number>>;
  /** A query client on the run's schema, for a scenario's setup and audit. */
  runClient(target: StoreTarget): Promise<QueryClient & { close(): Promise<void> }>;
  /** Closes connections and stops and removes what was started. Idempotent. */
  stop(): Promise<void>;
}
