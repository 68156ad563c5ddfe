/** The scenario API: what a scenario file defines (`defineScenario`) and what its op is handed. */
import type { Expectation } from './outcomes.ts';
import type { Capability, DatabaseFamily, Isolation, QueryClient, RunDatabase, SessionRow, SessionStore } from './store.ts';

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
  /**
   * The scenario's own value for a key its op drew, as its rows and its audit name it: for an op
   * that signs up `user-${ctx.key().slice(-4)}@example.com`, the same function of the key. Reports
   * then name each key by it, beside racelab's short name (`user-000g@example.com (k16)`), so a
   * timeline reads as the audit does. Without it they name keys `k16`. Called on racelab's side,
   * after the run, on keys the ops drew: it must return a string and do nothing else.
   */
  keyValue?(key: string): string;
  /**
   * One attempt to do the scenario's job. Throw (or let the database throw) to fail it. A scenario
   * has either `op` or `command`.
   */
  op?(ctx: OpContext<C>): Promise<OpResult>;
  /**
   * In place of `op`: a program in any language whose processes do the ops, one per client,
   * connected to the run's database through a proxy that sees every statement they send
   * (docs/commands.md). PostgreSQL only; elsewhere the scenario is skipped, and the report says why.
   */
  command?: CommandSpec;
}

/**
 * A command scenario's program. Each client is one process, started without a shell and told in
 * its environment where to connect (`RACELAB_DATABASE_URL`, through the proxy; `RACELAB_SCHEMA`)
 * and what to do (`RACELAB_WORKER`, `RACELAB_OPS`, `RACELAB_SEED`, `RACELAB_KEY_SPACE`). It reports
 * each op as it ends, one JSON line on stdout: docs/commands.md has the whole protocol.
 */
export interface CommandSpec {
  /** The program and its arguments, e.g. `['python3', 'sessions_race.py', 'save']`. */
  run: readonly string[];
  /** Run once per run before the clients start, connected straight to the run's database (its migrations, say). */
  setup?: readonly string[];
  /** The directory it runs in: relative to the scenario file's, which is the default. */
  cwd?: string;
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
