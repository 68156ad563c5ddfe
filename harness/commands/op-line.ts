/**
 * The line a command scenario's process prints on stdout as each op ends (docs/commands.md):
 * one JSON object, `{"outcome": "ok"}` or `{"outcome": "error", "error": "...", "traceback": "..."}`,
 * with the keys the op used when it knows them (`"key": "..."` or `"keys": [...]`). Any other line
 * is the program's own output, and is not read.
 */
export interface OpLine {
  outcome: 'ok' | 'error';
  /** The keys the op drew or wrote: what its race windows are counted on. */
  keys: string[];
  /** For a failed op, one line naming what the program raised (`CreateError`). */
  error?: string;
  /** For a failed op, its whole account (a Python traceback). */
  traceback?: string;
}

/** The op line in `text`, or undefined when it is none: not a JSON object with `outcome` `ok` or `error`. */
export function parseOpLine(text: string): OpLine | undefined {
  const line = text.trim();
  if (!line.startsWith('{')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { outcome, key, keys, error, traceback } = value as Record<string, unknown>;
  if (outcome !== 'ok' && outcome !== 'error') return undefined;
  const named = [...(typeof key === 'string' ? [key] : []), ...(Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : [])];
  return {
    outcome,
    keys: [...new Set(named)],
    ...(typeof error === 'string' && error !== '' && { error }),
    ...(typeof traceback === 'string' && traceback !== '' && { traceback }),
  };
}
