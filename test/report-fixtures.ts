/**
 * Report values built by hand, for testing what the renderers print without running anything: a
 * Finding, a ReportInput around it. Each field is plausible on its own; tests set the ones they
 * look at.
 */
import { analyticExpectation } from '../harness/analytic.ts';
import type { Finding } from '../harness/finding.ts';
import type { ReportInput } from '../harness/report-input.ts';
import { OUTCOMES, type OutcomeCounts, type RunConfig } from '../harness/types.ts';
import { wilson } from '../harness/wilson.ts';

/** A finding of `ops` ops with these outcomes (the rest ok), its rates and verdict as toFinding would compute them. */
export function finding(counts: Partial<OutcomeCounts>, overrides: Partial<Finding> = {}, ops = 200): Finding {
  const outcomes = Object.fromEntries(OUTCOMES.map((o) => [o, counts[o] ?? 0])) as OutcomeCounts;
  outcomes.ok = ops - Object.entries(outcomes).reduce((sum, [o, n]) => sum + (o === 'ok' ? 0 : n), 0);
  const loud = outcomes.integrity_error + outcomes.serialization_failure + outcomes.deadlock + outcomes.lock_timeout;
  const silent = outcomes.overwritten + outcomes.lost + outcomes.invariant_violated;
  const violations = loud + silent;
  const windows = Math.max(violations, 40);
  return {
    scenario: { name: 'signup', expect: 'unsafe', why: 'nothing enforces uniqueness', origin: 'a test fixture', isolation: 'read-committed', declared: false },
    property: 'no two users share an email',
    ops,
    outcomes,
    violations,
    rate: wilson(violations, ops),
    windows,
    windowRate: wilson(violations, windows),
    savesSessions: false,
    integrityErrorRate: wilson(outcomes.integrity_error, ops),
    silentRate: wilson(silent, ops),
    loudViolations: loud,
    silentViolations: silent,
    retries: 0,
    draws: ops,
    verdict: violations > 0 ? 'reproduced' : 'holds',
    matchesExpectation: violations > 0,
    workerFailures: [],
    invariantProblems: [],
    elapsedMs: 1000,
    opsPerSecond: ops,
    releasedAt: Date.UTC(2026, 11, 2),
    statements: 2 * ops,
    statementsPerSecond: 2 * ops,
    ...overrides,
  };
}

export const CONFIG: RunConfig = {
  workers: 4,
  threads: 2,
  opsPerWorker: 50,
  keys: 'shrunk',
  keySpace: 8,
  occupancy: 0.5,
  maxAttempts: 64,
  seed: 7,
  isolation: 'read-committed',
  opTimeoutMs: 10_000,
};

/** One run of these findings on an embedded PostgreSQL, as runInvocation would describe it. */
export function reportInput(findings: Finding[], overrides: Partial<ReportInput> = {}): ReportInput {
  const database = {
    kind: 'embedded' as const,
    product: 'PostgreSQL',
    version: '18.1',
    defaultIsolation: 'read-committed' as const,
    reason: 'an embedded PostgreSQL (--db embedded)',
    label: 'embedded',
  };
  return {
    tool: { name: 'racelab', version: '0.1.0', source: { kind: 'checkout', commit: 'c0ffee0000000000000000000000000000000001', dirty: false, remote: null } },
    replayCommand: 'racelab reproduce --db embedded --scenario ./signup.race.ts --clients 4 --threads 2 --ops 50 --keys shrunk --key-space 8 --occupancy 0.5 --max-attempts 64 --seed 7',
    commandLine: ['reproduce', '--db', 'embedded', '--scenario', './signup.race.ts', '--ops', '50', '--key-space', '8', '--seed', '7'],
    scenarioFiles: [],
    database,
    scenarioNames: findings.map((f) => f.scenario.name),
    nodeVersion: 'v20.19.0',
    config: CONFIG,
    schedule: 'sequential',
    startedAt: new Date(Date.UTC(2026, 11, 2, 12)),
    points: [{ config: CONFIG, expectation: analyticExpectation(CONFIG, 100, 200), findings, skipped: [] }],
    interrupted: false,
    ...overrides,
  };
}

/** `n` audit problems, as a scenario's audit hook returns them. */
export function auditProblems(n: number): Finding['invariantProblems'] {
  return Array.from({ length: n }, (_, i) => ({ message: `2 users share user-${i}@example.com (created by w1:op${i + 1}, w2:op${i + 1})`, key: `user-${i}@example.com` }));
}
