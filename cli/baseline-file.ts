import { readFile } from 'node:fs/promises';
import type { BaselineEntry } from '../harness/baseline.ts';
import { SCHEMA_VERSION } from '../reports/json.ts';
import { UsageError } from '../run/errors.ts';

/** The report.json versions a baseline may be: 3 changed only verdicts, not the ops and violations a baseline reads. */
const BASELINE_VERSIONS: readonly number[] = [2, 3, SCHEMA_VERSION];

/** Reads a stored report.json as a baseline, or says in one line why it cannot be one. */
export async function readBaseline(path: string): Promise<{ entries: BaselineEntry[]; text: string; amplified: boolean }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--baseline ${path} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let report: unknown;
  try {
    report = JSON.parse(text);
  } catch {
    throw new UsageError(`--baseline ${path} is not JSON, so not a racelab report.json`);
  }
  const r = report as { schemaVersion?: unknown; tool?: { name?: unknown }; scenarios?: unknown; config?: { amplify?: unknown } };
  if (r.tool?.name !== 'racelab' || !Array.isArray(r.scenarios)) throw new UsageError(`--baseline ${path} is not a racelab report.json`);
  if (!BASELINE_VERSIONS.includes(r.schemaVersion as number)) {
    throw new UsageError(`--baseline ${path} has schemaVersion ${JSON.stringify(r.schemaVersion)}; this racelab reads ${BASELINE_VERSIONS.slice(0, -1).join(', ')} and ${BASELINE_VERSIONS.at(-1)}`);
  }
  const entries = r.scenarios.map((s: { name: string; ops: number; violations: number; sweep?: { value: number }; database?: string }) => ({
    name: s.name,
    ops: s.ops,
    violations: s.violations,
    ...(s.sweep && { sweepValue: s.sweep.value }),
    ...(s.database !== undefined && { database: s.database }),
  }));
  // Reports from before --amplify have no such field: they were not amplified.
  return { entries, text, amplified: r.config?.amplify === true };
}
