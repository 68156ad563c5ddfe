/**
 * report.json: the machine-readable contract of DESIGN.md (`schemaVersion`, `database`, `config`,
 * `scenarios[]` with `outcomes`, `rate` and `verdict`), plus the evidence behind each verdict.
 */
import type { ReportInput } from '../harness/report-input.ts';

export const SCHEMA_VERSION = 1;

export function toJsonReport(input: ReportInput) {
  const { config } = input;
  const shrunk = config.keys === 'shrunk';
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: input.tool,
    createdAt: input.startedAt.toISOString(),
    interrupted: input.interrupted,
    replayCommand: input.replayCommand,
    database: input.database,
    config: {
      workers: config.workers,
      opsPerWorker: config.opsPerWorker,
      keys: config.keys,
      keySpace: config.keySpace,
      // Occupancy means nothing for the real key space: every session lives through the run.
      occupancy: shrunk ? config.occupancy : null,
      isolation: config.isolation,
      maxAttempts: config.maxDraws,
      seed: config.seed,
      schedule: input.schedule,
    },
    expectation: input.expectation,
    scenarios: input.findings.map((finding) => ({
      name: finding.scenario.name,
      expect: finding.scenario.expect,
      why: finding.scenario.why,
      origin: finding.scenario.origin,
      isolation: finding.scenario.isolation,
      property: finding.property,
      ops: finding.ops,
      outcomes: finding.outcomes,
      violations: finding.violations,
      loudViolations: finding.loudViolations,
      silentViolations: finding.silentViolations,
      rate: finding.rate,
      integrityErrorRate: finding.integrityErrorRate,
      silentRate: finding.silentRate,
      retries: finding.retries,
      keysDrawn: finding.draws,
      verdict: finding.verdict,
      matchesExpectation: finding.matchesExpectation,
      firstViolation: finding.firstViolation ?? null,
      firstLoudViolation: finding.firstLoudViolation ?? null,
      firstSilentViolation: finding.firstSilentViolation ?? null,
      firstCapacityFailure: finding.firstCapacityFailure ?? null,
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
