import type { ReportInput } from '../harness/report-input.ts';
import type { RunConfig } from '../harness/contract/run-config.ts';
import type { Rate } from '../harness/wilson.ts';

/** A proportion as a percentage with two significant digits below 1%, two decimals above. */
export function percent(value: number): string {
  if (value === 0) return '0%';
  const pct = value * 100;
  return `${pct < 1 ? Number(pct.toPrecision(2)) : pct.toFixed(2)}%`;
}

export function rateWithInterval(rate: Rate): string {
  return `${percent(rate.value)} [${percent(rate.low)}, ${percent(rate.high)}]`;
}

export function count(value: number): string {
  return value.toLocaleString('en');
}

/** `1 violation`, `2 violations`: a count with its noun in the number that agrees with it. */
export function plural(value: number, noun: string, nouns = `${noun}s`): string {
  return `${count(value)} ${value === 1 ? noun : nouns}`;
}

/**
 * The first `max` of a list of `total` things, and `… and 3 more` for the rest, so that a count
 * printed above a list always matches what the list says. `lines` may hold fewer than `total`
 * (the engine keeps only the first few) but never more than it names.
 */
export function firstOf(lines: readonly string[], total: number, max = lines.length): string[] {
  const shown = lines.slice(0, Math.min(max, total));
  const more = total - shown.length;
  return more > 0 ? [...shown, `… and ${count(more)} more`] : shown;
}

/** A quantity of any size: grouped digits up to a million, then 6.3·10^49 style; tiny ones likewise. */
export function magnitude(value: number): string {
  if (!Number.isFinite(value)) return '∞';
  if (value === 0) return '0';
  if (value >= 1e6 || value < 1e-3) {
    const [mantissa, exponent] = value.toExponential(1).split('e');
    return `${mantissa}·10^${Number(exponent)}`;
  }
  return value >= 100 ? count(Math.round(value)) : String(Number(value.toPrecision(3)));
}

/** Lines of cells padded to their column's width. */
export function alignColumns(table: readonly (readonly string[])[], gap = '   '): string[] {
  const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  return table.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join(gap).trimEnd());
}

/** `× 2,000 ops`, or `for 30 s` when the run was timed (`--duration`). */
function workload(config: { opsPerWorker: number; durationMs?: number }): string {
  return config.durationMs === undefined ? `× ${plural(config.opsPerWorker, 'op')}` : `for ${Number((config.durationMs / 1000).toPrecision(3))} s`;
}

/**
 * `4 clients × 2,000 ops on 2 threads`: how many clients ran, and on how many threads, as pgbench's
 * `-c` and `-j`. A sweep over the clients names each point's.
 */
/**
 * The run's isolation level, and the database's own default beside it when they differ: a reader
 * whose application leaves the level alone runs at that default.
 */
export function isolationWords(input: Pick<ReportInput, 'config' | 'database' | 'databases' | 'points'>): string {
  if (input.databases) {
    // A list runs each database at the level given, or at its own first one (SQLite: a mode).
    const levels = input.points.map((point) => `${point.database?.label ?? input.database.label} ${point.config.isolation}`);
    const same = new Set(input.points.map((point) => point.config.isolation)).size === 1;
    return same ? `isolation ${input.config.isolation}` : `isolation ${[...new Set(levels)].join(', ')}`;
  }
  const { isolation } = input.config;
  const { defaultIsolation, product } = input.database;
  return `isolation ${isolation}${defaultIsolation === isolation ? '' : ` (${product}'s default: ${defaultIsolation})`}`;
}

export function concurrency(input: Pick<ReportInput, 'config' | 'sweep' | 'points'>): string {
  const values = (pick: (config: RunConfig) => number) =>
    input.sweep?.parameter === 'workers' ? input.points.map((point) => pick(point.config)).join('/') : String(pick(input.config));
  // A sweep's values are joined (`1/2/4`): only a lone 1 takes the singular.
  const counted = (value: string, word: string) => `${value} ${word}${value === '1' ? '' : 's'}`;
  return `${counted(values((c) => c.workers), 'client')} ${workload(input.config)} on ${counted(values((c) => c.threads), 'thread')}`;
}

/**
 * What an amplified run's rates are, said wherever its figures are shown: they come from runs
 * whose key draws and statement timing racelab perturbed, so they are no estimate of how often the
 * race happens unamplified, and no extrapolation to production is made from them.
 */
export function amplifiedWords(config: Pick<RunConfig, 'amplify' | 'seed'>): string | undefined {
  if (!config.amplify) return undefined;
  return `amplified (--amplify, seed ${config.seed}): shared key draws and holds after reads forced the race; the rates say how the code behaves when it races, not how often it races unamplified, and nothing is extrapolated from them`;
}

/** `key-space=64`: the value a point of a sweep ran at, as the sweep's table heads its column. */
export function sweptValue(sweep: NonNullable<ReportInput['sweep']>, point: { value?: number | undefined }): string {
  return `${sweep.parameter}=${point.value}`;
}

/** ` at key-space=64` after a scenario's name, for evidence from one point of a sweep; '' without one. */
export function sweptAt(input: Pick<ReportInput, 'sweep'>, point: { value?: number | undefined }): string {
  return input.sweep && point.value !== undefined ? ` at ${sweptValue(input.sweep, point)}` : '';
}
