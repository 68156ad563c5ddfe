/**
 * The databases racelab runs on, one descriptor each (`descriptor.ts`), and everything said of a
 * `--db` choice from them: which database a word or URL means, its family, levels and lacks, how
 * it is planned, opened, named and cleaned. Knowing a choice takes the words alone: parsing
 * options and listing the catalogue load no driver. Nothing outside `stores/` names a database.
 */
import { createRequire } from 'node:module';
import type { Database, Isolation } from '../harness/contract/store.ts';
import { ChoiceError, type DatabaseChoice, type DatabaseDescriptor, type DatabasePlan, type PlanContext } from './descriptor.ts';
import { mysqlDescriptor } from './mysql/descriptor.ts';
import { postgresDescriptor } from './postgres/descriptor.ts';
import { probeContainerRuntime } from './shared/container-runtime.ts';
import { redactUrl } from './shared/redact-url.ts';
import { sqliteDescriptor } from './sqlite/descriptor.ts';

export { ChoiceError, type DatabaseChoice, type DatabaseDescriptor, type DatabasePlan, type PlanContext } from './descriptor.ts';

/** The built-in databases, the default one (the one with `planAuto`) first. */
const databases: DatabaseDescriptor[] = [postgresDescriptor, mysqlDescriptor, sqliteDescriptor] as DatabaseDescriptor[];

/**
 * Adds a database: its words, schemes and levels are then known to `--db`, `--help`, `list`,
 * `clean` and the library. Returns the function that removes it again.
 */
export function registerDatabase(descriptor: DatabaseDescriptor): () => void {
  if (databases.some((known) => known.id === descriptor.id)) throw new Error(`a database ${JSON.stringify(descriptor.id)} is registered already`);
  const scheme = descriptor.schemes.find((s) => databaseOfUrl(`${s}//x`) !== undefined);
  if (scheme !== undefined) throw new Error(`the URL scheme ${scheme}// is another registered database's`);
  // A word another database owns, even one its rule refuses (`embedded@99`), would be parsed as that one's.
  const owns = (known: DatabaseDescriptor, word: string) => {
    try {
      return known.parseWord(word) !== undefined;
    } catch {
      return true;
    }
  };
  const word = descriptor.words.find((w) => databases.some((known) => owns(known, w)));
  if (word !== undefined) throw new Error(`the --db word ${word} is another registered database's`);
  databases.push(descriptor);
  return () => {
    const at = databases.indexOf(descriptor);
    if (at >= 0) databases.splice(at, 1);
  };
}

/** Every registered database, in the order help and listings show them. */
export function registeredDatabases(): readonly DatabaseDescriptor[] {
  return databases;
}

/** The URL schemes racelab takes, as messages spell them: `postgres://`. */
export function urlSchemes(): string[] {
  return databases.flatMap((d) => d.schemes.map((scheme) => `${scheme}//`));
}

/** The levels `--isolation` takes, each list with the databases that take it: for help. */
export function isolationsHelp(): string {
  const lists = new Map<string, string[]>();
  for (const d of databases) lists.set(d.isolations.join(' | '), [...(lists.get(d.isolations.join(' | ')) ?? []), d.title]);
  return [...lists].map(([levels, titles]) => `${levels} (${titles.join(', ')})`).join('; ');
}

/** The URL schemes of the databases `racelab clean --db URL` can clean, as messages spell them. */
export function cleanableSchemes(): string[] {
  return databases.filter((d) => d.cleanOrphans !== undefined).flatMap((d) => d.schemes.map((scheme) => `${scheme}//`));
}

/** `--db`'s help: every word, then the schemes. */
export function dbWordsHelp(): string {
  return ['auto', ...databases.flatMap((d) => d.words), ...urlSchemes().map((scheme) => `${scheme}…`)].join(' | ');
}

/** The database a URL names, by its scheme; undefined for a scheme racelab does not take. */
export function databaseOfUrl(url: string): DatabaseDescriptor | undefined {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    return undefined;
  }
  return databases.find((d) => d.schemes.includes(protocol));
}

/**
 * One entry of `--db` as typed: a word a database owns, normalised, or a URL of a known scheme
 * with a host. Throws ChoiceError, naming the rule, for anything else.
 */
export function parseChoice(raw: string): DatabaseChoice {
  if (raw === 'auto') return raw;
  for (const database of databases) {
    const word = database.parseWord(raw);
    if (word !== undefined) return word;
  }
  let url: URL;
  try {
    // `docker:oracle` parses as a URL too, but was meant as a word.
    if (!raw.includes('://')) throw new TypeError('not a URL');
    url = new URL(raw);
  } catch {
    const words = ['auto', ...databases.flatMap((d) => d.words)];
    throw new ChoiceError(`--db must be ${words.join(', ')} or a URL (${urlSchemes().join(' ')}), got ${JSON.stringify(redactUrl(raw))}`);
  }
  const database = databaseOfUrl(raw);
  if (database === undefined) throw new ChoiceError(`--db URL must start with ${urlSchemes().join(', ')}, got ${JSON.stringify(url.protocol + '//…')}`);
  if (url.hostname === '') {
    const example = database.exampleUrl === undefined ? `${url.protocol}//host/db` : database.exampleUrl.replace(/^[a-z]+:/, url.protocol);
    throw new ChoiceError(`--db URL must name a host, e.g. ${example}`);
  }
  return { url: raw };
}

/** The database a choice will use, known without starting or reaching anything. */
export function databaseOfChoice(choice: DatabaseChoice, env: NodeJS.ProcessEnv = process.env): DatabaseDescriptor {
  if (choice === 'auto') {
    const fromEnv = env['DATABASE_URL'];
    return (fromEnv && databaseOfUrl(fromEnv)) || defaultDatabase();
  }
  if (typeof choice === 'object') return databaseOfUrl(choice.url) ?? defaultDatabase();
  return databases.find((d) => d.parseWord(choice) !== undefined) ?? defaultDatabase();
}

function defaultDatabase(): DatabaseDescriptor {
  return databases.find((d) => d.planAuto !== undefined)!;
}


/** The levels `--isolation` may name for a choice, the run's default first. */
export function isolationsOfChoice(choice: DatabaseChoice, env: NodeJS.ProcessEnv = process.env): readonly Isolation[] {
  return databaseOfChoice(choice, env).isolations;
}


/** How a choice is written on the command line, password hidden: what reports and replay commands show. */
export function choiceLabel(choice: DatabaseChoice): string {
  return typeof choice === 'object' ? redactUrl(choice.url) : choice;
}

/** Whether the user installed a package: optional peers (the testcontainers modules) are the user's to install. */
export function hasPackage(name: string): boolean {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * Decides where to run without starting anything, by the rule of docs/databases.md: a URL given
 * (`--db URL`, or `DATABASE_URL` for `auto`) → that server; a word → its database's plan; `auto`
 * otherwise → the default database's own rule. `context` is injectable so the rules are testable.
 */
export async function planDatabase(choice: DatabaseChoice, context: Partial<PlanContext> = {}): Promise<DatabasePlan> {
  const full: PlanContext = { env: process.env, probeContainers: probeContainerRuntime, installed: hasPackage, ...context };
  if (choice === 'auto') {
    const fromEnv = full.env['DATABASE_URL'];
    if (fromEnv) {
      const plan = await databaseOfChoice({ url: fromEnv }).plan({ url: fromEnv }, full);
      return { ...plan, fromEnv: true, reason: `DATABASE_URL=${redactUrl(fromEnv)}` };
    }
    return defaultDatabase().planAuto!(full);
  }
  return databaseOfChoice(choice, full.env).plan(choice, full);
}

/** Starts or reaches a planned database. Whatever it started is stopped again by `Database.stop()`. */
export async function openDatabase(plan: DatabasePlan, signal?: AbortSignal, progress: (line: string) => void = () => undefined): Promise<Database> {
  const descriptor = databases.find((d) => d.id === plan.database);
  if (descriptor === undefined) throw new Error(`no database ${JSON.stringify(plan.database)} is registered`);
  const database = await descriptor.open(plan, signal, progress);
  // The descriptor's levels and lacks are what help, validation and list said: the run uses the
  // same, even where a database reuses another family's store.
  return Object.assign(database, { isolations: descriptor.isolations, lacks: descriptor.lacks });
}

/**
 * Removes (or with `dryRun` only lists) the run namespaces on the server at `url` that no live run
 * holds, each named with what it is.
 */
export async function cleanOrphanNamespaces(url: string, dryRun: boolean): Promise<string[]> {
  const database = databaseOfUrl(url);
  if (database?.cleanOrphans === undefined) throw new ChoiceError(`no registered database cleans a server at ${redactUrl(url)}`);
  return database.cleanOrphans(url, dryRun);
}

/** The database that starts a server for a whole test run (racelab/vitest): the first that can. */
function sharedDatabase(): DatabaseDescriptor {
  const database = databases.find((d) => d.startShared !== undefined);
  if (database === undefined) throw new Error('no registered database can start a server for a test run');
  return database;
}

/** A server for a whole test run (racelab/vitest). */
export function startSharedServer(progress?: (line: string) => void): Promise<{ url: string; rerunAs: string; stop(): Promise<void> }> {
  return sharedDatabase().startShared!(progress);
}

/** How `--db` names a fresh one of the shared server's kind: what a rerun names once that server is gone. */
export function sharedServerWord(): string {
  return sharedDatabase().words[0]!;
}
