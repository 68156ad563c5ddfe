/**
 * pgbench, the reference for "as fast as this machine can drive PostgreSQL": where to find it, the
 * script that sends a scenario's statements with racelab's own SQL text, and one timed run of it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { sessionStatements } from '../stores/postgres/session-table.ts';
import { run } from './racelab-runs.ts';

/** The Debian package that ships pgbench, for the message when it is missing. */
const DEBIAN_PACKAGE = 'postgresql-15';

/**
 * pgbench on this machine: on the PATH, or in Debian's /usr/lib/postgresql/<major>/bin (newest
 * first). When there is none, installs Debian's package if it can (root, apt-get), else throws
 * naming the package.
 */
export function findPgbench(): string {
  const found = locate();
  if (found) return found;
  const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (canInstall) {
    console.log(`pgbench not found; installing Debian's ${DEBIAN_PACKAGE}, which ships it…`);
    const result = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', DEBIAN_PACKAGE], { stdio: 'inherit' });
    const installed = result.status === 0 ? locate() : undefined;
    if (installed) return installed;
  }
  throw new Error(`pgbench not found on the PATH nor in /usr/lib/postgresql/*/bin: install Debian's ${DEBIAN_PACKAGE} package (apt-get install ${DEBIAN_PACKAGE}), or put a pgbench on the PATH`);
}

function locate(): string | undefined {
  const onPath = spawnSync('sh', ['-c', 'command -v pgbench'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return onPath;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a));
  return majors.map((major) => `${root}/${major}/bin/pgbench`).find((path) => existsSync(path));
}

export function pgbenchVersion(pgbench: string): string {
  return execFileSync(pgbench, ['--version'], { encoding: 'utf8' }).trim();
}

/** The statement shapes the bench compares; naive-save and atomic-create send the same statements. */
export const SHAPES = ['naive-save', 'atomic-create', 'on-conflict'] as const;
export type Shape = (typeof SHAPES)[number];

/**
 * A pgbench script that sends what one op of `shape` sends, with racelab's SQL text for the run's
 * schema (`$n` becomes a pgbench variable; `-M prepared` prepares it, as racelab does), so that
 * both tools make the server do the same work per statement:
 * - the key checks: racelab draws random keys until one is free; at occupancy 0.25 that is 4/3
 *   checks per op, so the script checks one random key, and a second on every third transaction;
 * - the insert: of a key that is free, so pgbench, which ends a client on the first error, never
 *   collides. Each client cycles through keys of its own (`client_id + clients × j`);
 * - the expiry: racelab deletes the oldest of its live sessions once it holds `quota`; the script
 *   deletes the key it inserted `quota` transactions ago.
 * A transaction is the op's statements plus one on every third: `statementsOf`.
 */
export function pgbenchScript(shape: Shape, schema: string): string {
  const sql = sessionStatements(schema);
  const withVars = (text: string, vars: readonly string[]) => text.replace(/\$(\d)/g, (_, n: string) => `:${vars[Number(n) - 1]}`);
  const lines = [
    '\\set n :n + 1',
    '\\set key :client_id + :clients * (:n % :slots)',
    '\\set old :client_id + :clients * ((:n + :slots - :quota) % :slots)',
    '\\set probe random(0, :key_space - 1)',
    '\\set live :client_id + :clients * ((:n + :slots - 1) % :slots)',
  ];
  if (shape === 'on-conflict') {
    const insert = withVars(sql.insertIfAbsent.text, ['key', 'data', 'expires']);
    // The retry after a conflict: an insert of a key that is taken (this client's previous one).
    lines.push('\\if :n % 3 = 0', `${withVars(sql.insertIfAbsent.text, ['live', 'data', 'expires'])};`, '\\endif', `${insert};`);
  } else {
    const check = (key: string) => `${withVars(sql.exists.text, [key])};`;
    lines.push(check('probe'), '\\if :n % 3 = 0', check('probe'), '\\endif', `${withVars(sql.insert.text, ['key', 'data', 'expires'])};`);
  }
  lines.push(`${withVars(sql.deleteOwned.text, ['old', 'data'])};`);
  return `${lines.join('\n')}\n`;
}

/**
 * Statements in `transactions` runs of the script: naive-save's shape sends a check, the insert and
 * the delete (3), on-conflict's the insert and the delete (2); each one more on every third. Each
 * client counts its own thirds, so this is exact to within one statement per client.
 */
export function statementsOf(shape: Shape, transactions: number): number {
  return transactions * (shape === 'on-conflict' ? 2 : 3) + Math.floor(transactions / 3);
}

export interface PgbenchRun {
  transactions: number;
  /** pgbench's own tps, without the initial connection time. */
  tps: number;
  statementsPerSecond: number;
}

/** Runs the script for `seconds` on `clients` clients over `threads` threads, as `pgbench -M prepared`. */
export async function runPgbench(
  pgbench: string,
  url: string,
  shape: Shape,
  scriptPath: string,
  options: { clients: number; threads: number; seconds: number; keySpace: number; quota: number },
): Promise<PgbenchRun> {
  const { clients, threads, seconds, keySpace, quota } = options;
  const slots = Math.floor(keySpace / clients);
  if (slots <= quota) throw new Error(`key space ${keySpace} is too small for ${clients} clients holding ${quota} sessions each`);
  const expires = new Date(Date.now() + 14 * 86_400_000).toISOString();
  const vars = { n: 0, clients, slots, quota, key_space: keySpace, data: '{"owner":"pgbench"}', expires };
  const args = ['-n', '-M', 'prepared', '-c', String(clients), '-j', String(threads), '-T', String(seconds), '-f', scriptPath];
  for (const [name, value] of Object.entries(vars)) args.push('-D', `${name}=${value}`);
  const result = await run(pgbench, [...args, url]);
  const transactions = Number(/number of transactions actually processed: (\d+)/.exec(result.stdout)?.[1]);
  const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(result.stdout)?.[1]);
  if (result.status !== 0 || !Number.isFinite(transactions) || !Number.isFinite(tps)) {
    throw new Error(`pgbench failed (exit ${result.status}): ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
  // Statements per transaction averaged over the run, at pgbench's own rate.
  return { transactions, tps, statementsPerSecond: (tps * statementsOf(shape, transactions)) / transactions };
}
