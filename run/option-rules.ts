import { UsageError } from './errors.ts';

/**
 * The rules options are checked against. Each error names the option as its front door spells it
 * (`--key-space` on the command line, `keySpace` for race()), the rule and what was given, in one
 * line, from this one table of wordings.
 */
export function integerOption(option: string, raw: string | number, min: number, max: number): number {
  const value = typeof raw === 'number' ? raw : /^\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${option} must be a whole number from ${min.toLocaleString('en')} to ${max.toLocaleString('en')}, got ${shown(raw)}`);
  }
  return value;
}

export function fractionOption(option: string, raw: string | number, min: number, max: number): number {
  const value = typeof raw === 'number' ? raw : /^\d*\.?\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(`${option} must be a number from ${min} to ${max}, got ${shown(raw)}`);
  }
  return value;
}

/** What was given, as the error quotes it: a string typed, in quotes; a number from code, as it prints (`NaN`). */
function shown(raw: string | number): string {
  return typeof raw === 'number' ? String(raw) : JSON.stringify(raw);
}

export function choiceOption<T extends string>(option: string, raw: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  const hint = closest(raw, allowed);
  throw new UsageError(`${option} must be one of ${allowed.join(', ')}, got ${JSON.stringify(raw)}${hint ? ` (did you mean ${hint}?)` : ''}`);
}

export function listOption(option: string, raw: string, allowed: readonly string[]): string[] {
  const names = raw.split(',').map((name) => name.trim());
  const unknown = names.find((name) => !allowed.includes(name));
  if (unknown !== undefined) {
    const hint = closest(unknown, allowed);
    throw new UsageError(
      `${option} ${JSON.stringify(unknown)} is not one of ${allowed.join(', ')}${hint ? ` (did you mean ${hint}?)` : ''}`,
    );
  }
  if (new Set(names).size !== names.length) throw new UsageError(`${option} names a value twice: ${JSON.stringify(raw)}`);
  return names;
}

/**
 * The allowed value nearest to a typo, when it is near enough to be a plausible intent: as many
 * edits away as a third of its length, or `least` for a short one.
 */
export function closest(typed: string, allowed: readonly string[], least = 2): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of allowed) {
    const distance = editDistance(typed, candidate);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return bestDistance <= Math.max(least, Math.floor(typed.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** `30s`, `500ms`, `2m`, `1h`, as pgbench's -T reads seconds; returns milliseconds. */
export function durationOption(option: string, raw: string, minMs: number, maxMs: number): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(raw.trim());
  const value = match ? Number(match[1]) * DURATION_UNITS[match[2]!]! : Number.NaN;
  if (!Number.isFinite(value) || value < minMs || value > maxMs) {
    throw new UsageError(`${option} must be a duration from ${formatDuration(minMs)} to ${formatDuration(maxMs)} such as 30s, 500ms or 2m, got ${JSON.stringify(raw)}`);
  }
  return Math.round(value);
}

function formatDuration(ms: number): string {
  return ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : ms % 60_000 === 0 ? `${ms / 60_000}m` : ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
