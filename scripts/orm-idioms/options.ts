/**
 * The options of `npm run idioms`. A bad one is a one-line error naming it, exit 2, before
 * anything is started or written.
 */

export interface IdiomsOptions {
  /** `embedded`, or database URLs; undefined: the embedded PostgreSQL, and the machine's MariaDB if it answers. */
  dbs?: string[];
  out: string;
  runs: number;
  seed: number;
  /** ORM directories (`sequelize`) or scenario files (`find-or-create-racy`, `sequelize/find-or-create-racy`) to run; all when undefined. */
  only?: string[];
  help: boolean;
}

export const DEFAULTS = { out: 'docs/orm-idioms.md', runs: 50, seed: 1 } as const;

export const HELP = `usage: npm run idioms -- [options]

Runs \`racelab explore\` on every examples/orm/**/*.race.ts, on each database and, for the
idioms whose transactions take one, at each isolation level, and writes the table of what
happened (docs/orm-idioms.md).

  --db LIST     embedded | postgres://… | mysql://… | mariadb://…, comma-separated
                (default: an embedded PostgreSQL, plus the MariaDB/MySQL at
                mysql://root@127.0.0.1:3306/test when it answers)
  --out FILE    where the table goes (default ${DEFAULTS.out})
  --runs N      inputs explore tries per cell before an idiom counts as atomic (1 to 100000, default ${DEFAULTS.runs})
  --seed N      explore's seed, the same for every cell: a table is reproducible (default ${DEFAULTS.seed})
  --only LIST   ORM directories or scenario files to run, e.g. knex,sequelize/find-or-create-racy
  --help        this text`;

export class IdiomsUsageError extends Error {}

const VALUED = ['db', 'out', 'runs', 'seed', 'only'] as const;

export function parseIdiomsOptions(args: readonly string[]): IdiomsOptions {
  const raw: Partial<Record<(typeof VALUED)[number], string>> = {};
  let help = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new IdiomsUsageError(`unexpected argument ${JSON.stringify(arg)}: every option starts with -- (see --help)`);
    const name = match[1]! as (typeof VALUED)[number];
    if (!VALUED.includes(name)) throw new IdiomsUsageError(`unknown option --${match[1]} (options: ${VALUED.map((v) => `--${v}`).join(', ')}, --help)`);
    if (raw[name] !== undefined) throw new IdiomsUsageError(`--${name} is given twice`);
    const value = match[2] ?? args[++i];
    if (value === undefined || (match[2] === undefined && value.startsWith('--'))) throw new IdiomsUsageError(`--${name} needs a value`);
    raw[name] = value;
  }
  const options: IdiomsOptions = {
    out: raw.out ?? DEFAULTS.out,
    runs: raw.runs === undefined ? DEFAULTS.runs : integer('runs', raw.runs, 1, 100_000),
    seed: raw.seed === undefined ? DEFAULTS.seed : integer('seed', raw.seed, 0, 2 ** 32 - 1),
    help,
  };
  if (options.out.trim() === '') throw new IdiomsUsageError('--out must name a file');
  if (raw.db !== undefined) options.dbs = list('db', raw.db).map(checkDb);
  if (raw.only !== undefined) options.only = list('only', raw.only);
  return options;
}

function integer(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw new IdiomsUsageError(`--${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return n;
}

function list(name: string, value: string): string[] {
  const items = value.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) throw new IdiomsUsageError(`--${name} must be a comma-separated list without empty items, got ${JSON.stringify(value)}`);
  return items;
}

function checkDb(db: string): string {
  if (db === 'embedded' || /^(postgres|postgresql|mysql|mariadb):\/\//.test(db)) return db;
  throw new IdiomsUsageError(`--db takes embedded or a postgres://, mysql:// or mariadb:// URL, got ${JSON.stringify(db)}`);
}
