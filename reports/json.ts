/**
 * report.json: the machine-readable contract of DESIGN.md (`schemaVersion`, `database`, `config`,
 * `scenarios[]` with `outcomes`, `rate` and `verdict`), plus the evidence behind each verdict.
 */
import type { ReportInput } from '../harness/report-input.ts';

export const SCHEMA_VERSION = 1;

export function toJsonReport(input: ReportInput) {
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: input.tool,
    createdAt: input.startedAt.toISOString(),
    interrupted: input.interrupted,
    replayCommand: input.replayCommand,
    database: input.database,
    config: {
      workers: input.config.workers,
      opsPerWorker: input.config.opsPerWorker,
      keySpace: input.config.keySpace,
      occupancy: input.config.occupancy,
      maxAttempts: input.config.maxDraws,
      seed: input.config.seed,
      schedule: input.schedule,
    },
    scenarios: input.findings.map((finding) => ({
      name: finding.scenario.name,
      expect: finding.scenario.expect,
      why: finding.scenario.why,
      origin: finding.scenario.origin,
      property: finding.property,
      ops: finding.ops,
      outcomes: finding.outcomes,
      violations: finding.violations,
      rate: finding.rate,
      integrityErrorRate: finding.integrityErrorRate,
      retries: finding.retries,
      keysDrawn: finding.draws,
      verdict: finding.verdict,
      matchesExpectation: finding.matchesExpectation,
      firstViolation: finding.firstViolation ?? null,
      firstHarnessFailure: finding.firstHarnessFailure ?? null,
      workerFailures: finding.workerFailures,
      elapsedMs: Math.round(finding.elapsedMs),
      opsPerSecond: Math.round(finding.opsPerSecond),
    })),
  };
}

export type JsonReport = ReturnType<typeof toJsonReport>;

export function renderJson(input: ReportInput): string {
  return `${JSON.stringify(toJsonReport(input), null, 2)}\n`;
}
