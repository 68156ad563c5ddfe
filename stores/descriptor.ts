/**
 * What a database tells racelab about itself, from its own folder: the words `--db` takes for it,
 * the URL schemes it reaches a server by, its isolation levels, what it lacks, and how it is
 * planned, started, named and cleaned. The registry (`registry.ts`) holds one per database; the
 * CLI, the library, `list` and `clean` read it, and reports what the database it opened says of
 * itself, so adding a database is its folder and a line there (docs/stores.md).
 */
import type { Capability, Database, DatabaseFamily, Isolation } from '../harness/contract/store.ts';
import type { RuntimeProbe } from './shared/container-runtime.ts';

/**
 * One entry of `--db`: a word a descriptor owns (`embedded@16`, `sqlite:/tmp/x.sqlite3`), or a
 * server's URL, which the descriptor of its scheme owns.
 */
export type DatabaseChoice = string | { url: string };

/** A choice made concrete without starting anything, with the reason to show the user. */
export interface DatabasePlan {
  /** The descriptor that made it, and opens it (`DatabaseDescriptor.id`). */
  readonly database: string;
  readonly family: DatabaseFamily;
  /** Where it runs, as the progress line says it: `embedded`, `local`, `container`, `server`, `sqlite`. */
  readonly kind: string;
  readonly reason: string;
  /** A server's URL when the plan reaches one the user gave: refused off this machine without `--allow-remote`. */
  readonly url?: string;
  /** True when that URL came from `DATABASE_URL` (`--db auto`), not from `--db`: messages name where it was given. */
  readonly fromEnv?: boolean;
}

/** What planning may ask of the machine; injectable, so that the rules are testable. */
export interface PlanContext {
  readonly env: NodeJS.ProcessEnv;
  /** Whether a container runtime answers. */
  probeContainers(env: NodeJS.ProcessEnv): Promise<RuntimeProbe>;
  /** Whether the user installed a package (optional peers, native modules). */
  installed(name: string): boolean;
  /** A database's own machine lookups (binaries of a local server), by the descriptor's id. */
  readonly lookups?: Readonly<Record<string, () => unknown>>;
}

/**
 * A `--db` word that is this database's but malformed (`embedded@9`), or a plan the user must
 * change (`sqlite:PATH` naming a file that is not racelab's): the CLI's exit 2, one line.
 */
export class ChoiceError extends Error {
  override name = 'ChoiceError';
}

export interface DatabaseDescriptor<Plan extends DatabasePlan = DatabasePlan> {
  /** The registry's key, also each plan's `database`. */
  readonly id: string;
  /** How listings and messages name it: `PostgreSQL`, `MySQL and MariaDB`. */
  readonly title: string;
  /** Its SQL dialect: the key of a scenario's `expectOn`, and the store its workers open. */
  readonly family: DatabaseFamily;
  /** The words `--db` takes for it, as help and errors spell them (`embedded`, `embedded@12…18`). */
  readonly words: readonly string[];
  /** The URL schemes of its servers, with the colon (`postgres:`). */
  readonly schemes: readonly string[];
  /** A URL of its, for messages: `postgres://user@127.0.0.1:5432/db`. */
  readonly exampleUrl?: string;
  /** The levels `--isolation` may name on it, the run's default first. */
  readonly isolations: readonly Isolation[];
  /** What it does not have, each with the reason a scenario that needs it is skipped there. */
  readonly lacks: Partial<Record<Capability, string>>;
  /** What `racelab clean` removes of its, for clean's help. */
  readonly leftovers?: string;
  /**
   * The word normalised when it is one of this database's, undefined when it is not; throws
   * ChoiceError for a word of its that is malformed.
   */
  parseWord(raw: string): string | undefined;
  /** Where a word of its, or a URL of its schemes, runs; starts nothing. */
  plan(choice: DatabaseChoice, context: PlanContext): Promise<Plan>;
  /**
   * `--db auto` without DATABASE_URL: what the default database plans. One descriptor has it, the
   * one `npm run reproduce` runs on.
   */
  planAuto?(context: PlanContext): Promise<Plan>;
  /** Starts or reaches what `plan` decided. Whatever it started is stopped by `Database.stop()`. */
  open(plan: Plan, signal?: AbortSignal, progress?: (line: string) => void): Promise<Database>;
  /** Removes (or with `dryRun` lists) the run namespaces on its server at `url` that no live run holds, each named. */
  cleanOrphans?(url: string, dryRun: boolean): Promise<string[]>;
  /**
   * Starts a server of its for a whole test run (racelab/vitest), where it can: its URL, and how
   * `--db` names one for a rerun once that server is gone. What the start has to say goes to `progress`.
   */
  startShared?(progress?: (line: string) => void): Promise<{ url: string; rerunAs: string; stop(): Promise<void> }>;
}
