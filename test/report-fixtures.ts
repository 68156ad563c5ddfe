/**
 * Fixture values for testing the decision and the renderers in-process: findings folded by the real
 * checker (`toFinding`) from made-up worker reports (`findingOf`) or built by hand (`finding`), and
 * ReportInputs decided by the real `decide`. No database: these test what racelab makes of
 * results, not the results.
 */
import type { UncontrolledStatements } from '../harness/intercept/uncontrolled.ts';
import { analyticExpectation } from '../harness/analytic.ts';
import type { BaselineComparison } from '../harness/baseline.ts';
import type { ScenarioSearch } from '../harness/explore/search-scenarios.ts';
import type { ExploreRun } from '../harness/explore/explore-run.ts';
import type { ExploreSummary } from '../reports/explore-markdown.ts';
import { toFinding, type Finding } from '../harness/finding.ts';
import type { WorkerReport, WorkerSample } from '../harness/protocol.ts';
import type { StepEvent } from '../harness/recording-store.ts';
import type { ReportDatabase, ReportInput, ReportPoint } from '../harness/report-input.ts';
import { OUTCOMES, VIOLATIONS, type Expectation, type OutcomeCounts } from '../harness/contract/outcomes.ts';
import type { RunConfig } from '../harness/contract/run-config.ts';
import type { AuditProblem, Scenario } from '../harness/contract/scenario.ts';
import { decide } from '../harness/verdict.ts';

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

export const POSTGRES: ReportDatabase = {
  kind: 'server',
  product: 'PostgreSQL',
  version: '15.19',
  defaultIsolation: 'read-committed',
  reason: 'given with --db',
  label: 'postgres://postgres@127.0.0.1:5432/test',
};

/** racelab as a checkout of a commit, as tool-source.ts finds it. */
const TOOL: ReportInput['tool'] = { name: 'racelab', version: '0.1.0', source: { kind: 'checkout', commit: 'c0ffee0000000000000000000000000000000001', dirty: false, remote: null } };

export const SQLITE: ReportDatabase = { kind: 'embedded', product: 'SQLite', version: '3.53.2', defaultIsolation: 'deferred', reason: 'named with --db', label: 'sqlite' };

export interface FindingSpec {
  name: string;
  expect: Expectation;
  ops?: number;
  /** Outcome counts; the rest of `ops` are ok. */
  outcomes?: Partial<OutcomeCounts>;
  windows: number;
  samples?: WorkerSample[];
  declared?: Expectation;
  /** True for a scenario that saves no session (a user's own table): the session words then do not apply. */
  savesNoSession?: boolean;
  /** Statements its ops sent that went around racelab. */
  uncontrolled?: UncontrolledStatements;
  /** The statements its workers recorded, from which the real checker draws the samples' timelines. */
  steps?: StepEvent[];
  /** What its audit found. */
  problems?: AuditProblem[];
  /** The scenario's own value for a key (`ScenarioDefinition.keyValue`). */
  keyValue?: (key: string) => string;
}

/** A finding as the real checker folds it from one worker's report. */
export function findingOf(spec: FindingSpec): Finding {
  const ops = spec.ops ?? 200;
  const outcomes = Object.fromEntries(OUTCOMES.map((o) => [o, spec.outcomes?.[o] ?? 0])) as OutcomeCounts;
  outcomes.ok = ops - Object.values(outcomes).reduce((a, b) => a + b, 0);
  const scenario: Scenario = {
    kind: 'racelab.scenario',
    name: spec.name,
    expect: spec.expect,
    why: `${spec.name} is ${spec.expect} by fixture`,
    origin: 'a test fixture',
    property: 'a new session is saved without error',
    op: async () => undefined,
    ...(spec.keyValue && { keyValue: spec.keyValue }),
  };
  const report: WorkerReport = {
    worker: 0,
    ops,
    outcomes,
    retries: 0,
    draws: ops,
    saved: spec.savesNoSession ? 0 : ops,
    statements: ops * 2,
    samples: spec.samples ?? [],
    elapsedMs: 1000,
    releasedAt: 1_700_000_000_000,
    steps: spec.steps ?? [],
    ...(spec.uncontrolled && { uncontrolled: spec.uncontrolled }),
  };
  return toFinding(scenario, [report], {
    configured: 'read-committed',
    family: 'postgresql',
    windows: spec.windows,
    ...(spec.declared && { declared: spec.declared }),
    ...(spec.problems && { problems: spec.problems }),
  });
}

/** The first IntegrityError of a run, as a worker samples it. */
export function integrityErrorSample(worker = 1, op = 3): WorkerSample {
  return {
    outcome: 'integrity_error',
    worker,
    op,
    key: 'k5',
    atMs: 12,
    error: { code: '23505', message: 'duplicate key value violates unique constraint "django_session_pkey"', detail: 'Key (session_key)=(k5) already exists.' },
  };
}

/** One recorded statement: worker, op, step and key, start and end in µs, and its result or `[code, text]` of the error it raised. */
export function stepEvent(worker: number, op: number, step: string, key: string | undefined, startUs: number, endUs: number, result: string | [string, string] = 'ok'): StepEvent {
  const event: StepEvent = { worker, op, step, startUs, endUs, result: typeof result === 'string' ? result : `${result[0]} ${result[1]}` };
  if (key !== undefined) event.key = key;
  if (typeof result !== 'string') Object.assign(event, { failed: true, code: result[0] });
  return event;
}

/**
 * The statements around `integrityErrorSample()`'s collision, as its workers recorded them: w2 op13
 * inserts k5 in a transaction; w1 op3's insert of k5 waits for that transaction's lock, and fails
 * when it commits; w3 op7 checks k5 afterwards. The real checker marks w1's insert ✗ failed (waited
 * for w2 op13 commit) and w2's insert ◀ won.
 */
export function collisionSteps(): StepEvent[] {
  const DUPLICATE: [string, string] = ['23505', 'duplicate key value violates unique constraint "django_session_pkey"'];
  const T0 = 5_000_000;
  return [
    stepEvent(2, 13, 'begin', undefined, T0, T0 + 50),
    stepEvent(2, 13, 'exists', 'k5', T0 + 100, T0 + 300, 'false'),
    stepEvent(1, 3, 'exists', 'k5', T0 + 150, T0 + 400, 'false'),
    stepEvent(2, 13, 'insert', 'k5', T0 + 600, T0 + 1_662),
    stepEvent(1, 3, 'insert', 'k5', T0 + 700, T0 + 2_150, DUPLICATE),
    stepEvent(2, 13, 'commit', undefined, T0 + 1_700, T0 + 2_100),
    stepEvent(3, 7, 'exists', 'k5', T0 + 2_300, T0 + 2_450, 'true'),
  ];
}

/**
 * An interleaving of naive-save in transactions that broke it: w2's insert of k0 blocks on w1's
 * lock (w1's commit is released before it completes) and fails with 23505 once w1 commits.
 */
export function collisionRun(): ExploreRun {
  return {
    input: { workers: 2, opsPerWorker: 1, keySpace: 1, isolation: 'read-committed', keySeed: 0 },
    order: [0, 1, 0, 1, 0, 1, 0],
    pendingAt: [[0, 1], [0, 1], [0, 1], [0, 1], [0, 1], [0], [0]],
    steps: [
      { worker: 0, op: 0, step: 'begin', releasedAt: 1, completedAt: 2, result: 'ok' },
      { worker: 1, op: 0, step: 'begin', releasedAt: 3, completedAt: 4, result: 'ok' },
      { worker: 0, op: 0, step: 'exists', key: 'k0', releasedAt: 5, completedAt: 6, result: 'false' },
      { worker: 1, op: 0, step: 'exists', key: 'k0', releasedAt: 7, completedAt: 8, result: 'false' },
      { worker: 0, op: 0, step: 'insert', key: 'k0', releasedAt: 9, completedAt: 10, result: 'ok' },
      {
        worker: 1,
        op: 0,
        step: 'insert',
        key: 'k0',
        sql: 'INSERT INTO "django_session" ("session_key", "session_data") VALUES ($1, $2)',
        releasedAt: 11,
        completedAt: 14,
        result: '23505 duplicate key value violates unique constraint "django_session_pkey"',
        error: { code: '23505', message: 'duplicate key value violates unique constraint "django_session_pkey"' },
      },
      { worker: 0, op: 0, step: 'commit', releasedAt: 12, completedAt: 13, result: 'ok' },
      { worker: 1, op: 0, step: 'rollback', releasedAt: 15, completedAt: 16, result: 'ok' },
    ],
    outcomes: [['ok'], ['integrity_error']],
    samples: [{ outcome: 'integrity_error', worker: 2, op: 1, key: 'k0', atMs: 3, error: { code: '23505', message: 'duplicate key value violates unique constraint "django_session_pkey"' } }],
    invariantProblems: [],
    elapsedMs: 5,
  };
}

/** What `racelab explore naive-save` found: `run`, as its counterexample. */
export function exploreSummary(run: ExploreRun): ExploreSummary {
  return {
    header: {
      tool: TOOL,
      scenario: 'naive-save',
      database: { kind: 'embedded', product: 'PostgreSQL', version: '18.1' },
      property: 'a new session is saved without error',
      nodeVersion: 'v20.19.0',
      reason: 'an embedded PostgreSQL',
    },
    argument: 'naive-save --db embedded',
    replayCommand: 'racelab explore naive-save --db embedded --schedule "workers=2 ops=1 keys=1 isolation=rc seed=0 order=1,2,1,2,1,2,1"',
    commandLine: ['explore', 'naive-save', '--db', 'embedded'],
    scenarioFiles: [],
    startedAt: new Date(Date.UTC(2026, 11, 2)),
    mode: 'search',
    verdict: { verdict: 'pass', text: 'reproduced (as expected: naive-save is expected unsafe)', reproduced: true, matchesExpectation: true },
    interrupted: false,
    body: ['counterexample after 3 inputs, shrunk 2 times to 2 workers × 1 op, key space 1, read-committed:', '', 'w1 begin → ok'],
    searched: { seed: 5, inputs: 3, interleavings: null },
    counterexample: { run, seed: 5 },
  };
}

/** An op that failed with an error that is not a race: a missing table. */
export function missingTableSample(worker = 1, op = 1): WorkerSample {
  return { outcome: 'error', worker, op, atMs: 1, error: { code: '42P01', message: 'relation "handles" does not exist' } };
}

/** A search of one scenario: with a counterexample, or none over `contested` inputs that interleaved anything. */
export function searchOf(scenario: string, found: boolean, options: { contested?: number; database?: string; uncontrolled?: UncontrolledStatements; run?: ExploreRun } = {}): ScenarioSearch {
  const run: ExploreRun = options.run ?? {
    input: { workers: 2, opsPerWorker: 1, keySpace: 1, isolation: 'read-committed', keySeed: 0 },
    order: [0, 1, 0, 1],
    pendingAt: [[0, 1], [1], [0, 1], [1]],
    steps: [
      { worker: 0, op: 0, step: 'check', key: 'k0', releasedAt: 1, completedAt: 2, result: '0 rows' },
      { worker: 1, op: 0, step: 'check', key: 'k0', releasedAt: 3, completedAt: 4, result: '0 rows' },
      { worker: 0, op: 0, step: 'insert', key: 'k0', releasedAt: 5, completedAt: 6, result: 'ok' },
      { worker: 1, op: 0, step: 'insert', key: 'k0', releasedAt: 7, completedAt: 8, result: 'ok' },
    ],
    outcomes: [['ok'], ['ok']],
    samples: [],
    invariantProblems: [{ message: 'handle h0 is held by w1:op1 and w2:op1' }],
    elapsedMs: 5,
  };
  const result: ScenarioSearch['result'] = found
    ? { failed: true, seed: 7, path: '3:1', numRuns: 6, numShrinks: 4, counterexample: { ...run.input, choices: [] }, run }
    : { failed: false, seed: 7, numRuns: 100, interleavings: options.contested ?? 37, contested: options.contested ?? 37, timedOut: false, ...(options.uncontrolled && { uncontrolled: options.uncontrolled }) };
  return {
    scenario,
    argument: `./${scenario}.race.ts`,
    budget: { runs: 100, timeLimitMs: 60_000 },
    isolation: 'read-committed',
    result,
    elapsedMs: 1500,
    ...(options.database !== undefined && { database: options.database }),
  };
}

export interface InputSpec {
  points: { findings: Finding[]; database?: ReportDatabase; value?: number; skipped?: ReportPoint['skipped'] }[];
  /** A sweep of the points' values: each point then ran at its `value`. */
  sweep?: ReportInput['sweep'];
  searches?: ScenarioSearch[];
  baseline?: BaselineComparison[];
  failure?: string;
  interrupted?: boolean;
  scenarioFiles?: ReportInput['scenarioFiles'];
}

/** A ReportInput whose decision the real `decide` made. */
export function inputOf(spec: InputSpec): ReportInput {
  const databases = [...new Set(spec.points.flatMap((p) => (p.database ? [p.database] : [])))];
  const configOf = (value: number | undefined): RunConfig => {
    if (spec.sweep === undefined || value === undefined) return CONFIG;
    return spec.sweep.parameter === 'key-space' ? { ...CONFIG, keySpace: value } : { ...CONFIG, workers: value };
  };
  const points: ReportPoint[] = spec.points.map((p) => ({
    ...(p.value !== undefined && { value: p.value }),
    config: configOf(p.value),
    expectation: analyticExpectation(CONFIG, 1000, 100),
    findings: p.findings,
    skipped: p.skipped ?? [],
    ...(p.database && { database: p.database }),
  }));
  const facts: Omit<ReportInput, 'decision'> = {
    tool: TOOL,
    replayCommand: 'racelab reproduce --scenario ./reserve.race.ts --seed 42',
    scenarioFiles: spec.scenarioFiles ?? [],
    database: databases[0] ?? POSTGRES,
    ...(databases.length > 1 && { databases }),
    scenarioNames: [...new Set(spec.points.flatMap((p) => [...p.findings.map((f) => f.scenario.name), ...(p.skipped ?? []).map((s) => s.name)]))],
    nodeVersion: 'v20.20.2',
    config: CONFIG,
    schedule: 'sequential',
    startedAt: new Date('2026-12-02T18:00:00Z'),
    points,
    interrupted: spec.interrupted ?? false,
    ...(spec.failure !== undefined && { failure: spec.failure }),
    ...(spec.searches && { searches: spec.searches }),
    ...(spec.sweep && { sweep: spec.sweep }),
  };
  return { ...facts, decision: decide(facts, spec.baseline) };
}

/**
 * A finding of `ops` ops with these outcomes (the rest ok), folded by the real checker, of a
 * user's signup scenario expected unsafe, with at least 40 race windows; `overrides` replace any of
 * its fields.
 */
export function finding(counts: Partial<OutcomeCounts>, overrides: Partial<Finding> = {}, ops = 200): Finding {
  const violations = VIOLATIONS.reduce((sum, outcome) => sum + (counts[outcome] ?? 0), 0);
  const folded = findingOf({ name: 'signup', expect: 'unsafe', ops, outcomes: counts, windows: Math.max(violations, 40), savesNoSession: true });
  return {
    ...folded,
    scenario: { ...folded.scenario, why: 'nothing enforces uniqueness', isolation: 'read-committed' },
    property: 'no two users share an email',
    releasedAt: Date.UTC(2026, 11, 2),
    ...overrides,
  };
}


/** One run of these findings on an embedded PostgreSQL, as runInvocation would describe it. */
export function reportInput(findings: Finding[], overrides: Partial<Omit<ReportInput, 'decision'>> = {}): ReportInput {
  const database = {
    kind: 'embedded' as const,
    product: 'PostgreSQL',
    version: '18.1',
    defaultIsolation: 'read-committed' as const,
    reason: 'an embedded PostgreSQL (--db embedded)',
    label: 'embedded',
  };
  const facts: Omit<ReportInput, 'decision'> = {
    tool: TOOL,
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
  return { ...facts, decision: decide(facts) };
}

/** `n` audit problems, as a scenario's audit hook returns them. */
export function auditProblems(n: number): Finding['invariantProblems'] {
  return Array.from({ length: n }, (_, i) => ({ message: `2 users share user-${i}@example.com (created by w1:op${i + 1}, w2:op${i + 1})`, key: `user-${i}@example.com` }));
}

/** What a scenario sending its statements through postgres.js leaves: racelab saw them on the wire only. */
export const POSTGRES_JS_STATEMENTS: UncontrolledStatements = {
  count: 42,
  examples: ['select b.oid, b.typarray from pg_catalog.pg_type a', 'select 1 from profiles where user_id = $1'],
  causes: ['sent through a driver racelab does not intercept; on this database it sees and schedules pg (and what is built on it), and ctx.db'],
};
