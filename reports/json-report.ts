/**
 * report.json's shape, written out: the public `JsonReport` that `race()` returns and
 * `racelab reproduce` and `racelab gate` write. reports/json.ts renders it and TypeScript checks
 * the renderer against these interfaces, so a renderer edit cannot change the public type unseen;
 * reports/json-report.test.ts checks them, field by field, against reports/report.schema.json.
 *
 * Where a value is the engine's own data unchanged (a rate, a sample, a database), it is the
 * engine's type. A field the renderer sets to `null` when there is nothing to say is `T | null`;
 * a field it leaves out is optional.
 */
import type { AnalyticExpectation } from '../harness/analytic.ts';
import type { SearchBudget } from '../harness/explore/search-scenarios.ts';
import type { ExploreInput } from '../harness/explore/schedule.ts';
import type { Finding, Verdict } from '../harness/finding.ts';
import type { UncontrolledStatements } from '../harness/intercept/uncontrolled.ts';
import type { ReportDatabase, ScenarioFileCopy, SweepParameter, ToolInfo } from '../harness/report-input.ts';
import type { Expectation } from '../harness/contract/outcomes.ts';
import type { OpSample, TimelineEntry } from '../harness/contract/results.ts';
import type { KeyMode } from '../harness/contract/run-config.ts';
import type { AuditProblem } from '../harness/contract/scenario.ts';
import type { Isolation } from '../harness/contract/store.ts';
import type { CheckVerdict, OverallVerdict } from '../harness/verdict.ts';
import type { Rate } from '../harness/wilson.ts';

/** One invocation of `racelab reproduce` or `racelab gate`, or one `race()`: what ran, where, and what it showed. */
export interface JsonReport {
  /** The version of this shape; reports/json.ts's `SCHEMA_VERSION`. */
  schemaVersion: 4;
  /** racelab itself: its version and where it comes from. */
  tool: ToolInfo;
  /** When the run started, as an ISO 8601 timestamp in UTC. */
  createdAt: string;
  /** The decision every output renders: the exit code is its verdict's. */
  result: JsonResult;
  /** True when Ctrl-C stopped the run: the scenarios cover only what ran. */
  interrupted: boolean;
  /** Why the run broke before its end, if it did. */
  failure: string | null;
  /** The command line that reruns this invocation with the same config and seed (`racelab reproduce …`). */
  replayCommand: string;
  /** racelab's arguments as given, the command first, passwords hidden; null when run from code (`race()`). */
  commandLine: string[] | null;
  /** The user's scenario files copied into the report's directory, which `replayCommand` names: run it there. */
  scenarioFiles: ScenarioFileCopy[];
  nodeVersion: string;
  /** The database, or with a list of databases (`--db a,b`) the first. */
  database: ReportDatabase;
  /** With a list of databases: all of them, in order; null for one. */
  databases: ReportDatabase[] | null;
  /** With a list of databases: the `--db` labels of those a broken or interrupted run never got to. */
  databasesNotRun: string[];
  /** With a list of databases: one cell per database and scenario; null for one. */
  matrix: JsonMatrixCell[] | null;
  /** Scenarios a database lacks what they need for (row locks, advisory locks), with why. */
  skipped: JsonSkipped[];
  config: JsonConfig;
  /** The parameter a sweep varied and its values; null without a sweep. */
  sweep: JsonSweep | null;
  /** What chance predicts for the (first) configuration; null when no point ran. */
  expectation: JsonExpectation | null;
  /** One per scenario run: per database and per swept value when there are several. */
  scenarios: JsonScenario[];
  /** The gate's search of the interleavings after the stress run, one per scenario searched; empty for reproduce. */
  searches: JsonSearch[];
}

/** The invocation's decision, made once: 0 for pass, 1 for fail and no-evidence, 3 for broken, 130 for interrupted. */
export interface JsonResult {
  verdict: OverallVerdict;
  /** The decision in words, as the terminal prints it. */
  summary: string;
  /** Every check the decision is made of. */
  checks: JsonCheck[];
}

/** One check: a scenario's stress run (per database and swept value), the gate's search of it, or its rate against a baseline. */
export interface JsonCheck {
  kind: 'stress' | 'search' | 'baseline';
  scenario: string;
  /** With a list of databases, the one checked (its `--db` label); else null. */
  database: string | null;
  /** A stress check's swept value; null without a sweep and for other kinds. */
  sweepValue: number | null;
  verdict: CheckVerdict;
  /** The check in words, as the terminal and the gate print it. */
  reason: string;
}

/** One cell of the database × scenario table. */
export interface JsonMatrixCell {
  /** The database's `--db` label. */
  database: string;
  scenario: string;
  /** The run's verdict there, or why there is none. */
  verdict: Verdict | 'skipped' | 'not run';
  /** Null where the scenario did not run, or its verdict decided nothing. */
  matchesExpectation: boolean | null;
  /** The stress check's verdict in this cell; null where the scenario did not run. */
  check: CheckVerdict | null;
  /** Violations per op; null where the scenario did not run. */
  rate: Rate | null;
  /** The violation seen most often, in words; null for none. */
  dominantViolation: string | null;
}

/** A scenario a database could not run. */
export interface JsonSkipped {
  name: string;
  /** The database's `--db` label. */
  database: string;
  reason: string;
}

/** The run's knobs, identical for every scenario of the invocation (a sweep varies one per point). */
export interface JsonConfig {
  /** `--clients`: concurrent clients, each with its own connection, op order, owner tag and audit. */
  workers: number;
  /** `--threads`: the threads the clients were spread over. */
  threads: number;
  /** Ops per client; with `durationMs`, only its cap. */
  opsPerWorker: number;
  /** `--duration`: how long the run lasted; null for a run of a count. */
  durationMs: number | null;
  keys: KeyMode;
  keySpace: number;
  /** Target fraction of a shrunk key space held by live sessions; null with the real key space. */
  occupancy: number | null;
  isolation: Isolation;
  /** Key draws one op may make before it ends `key_space_exhausted`. */
  maxAttempts: number;
  seed: number;
  /**
   * `--amplify`: the run's key draws and statement timing were perturbed to force the race
   * (docs/amplify.md), so its rates are not natural ones; `expectation` is then null.
   */
  amplify: boolean;
  /** How the scenarios shared the machine, in words. */
  schedule: string;
}

/** A sweep: the parameter varied, and its values. */
export interface JsonSweep {
  parameter: SweepParameter;
  values: number[];
}

/**
 * What chance alone predicts for a configuration (harness/analytic.ts), as report.json gives it:
 * an infinite `expectedRedraws` (a full key space) is null, as JSON has no infinity.
 */
export interface JsonExpectation {
  keySpace: number;
  /** Live sessions: the steady state with a shrunk key space, the average over the run otherwise. */
  liveSessions: number;
  /** Ops of one scenario over all clients. */
  ops: number;
  /** Draws expected to land on a live key; null when infinite. */
  expectedRedraws: number | null;
  /** The most same-key draws concurrent ops can make. */
  racingDrawsBound: number;
  /** `same-seed`: every client draws the identical stream, so collisions are certain, not chance. */
  identicalStreams: boolean;
  /** What the real key space predicts for production. */
  production: AnalyticExpectation['production'];
}

/** The finding's own counts, rates and verdict, as the checker made them (harness/finding.ts says what each is). */
type FindingFacts = Pick<
  Finding,
  | 'property' | 'ops' | 'outcomes' | 'violations' | 'loudViolations' | 'silentViolations' | 'rate' | 'windows' | 'windowRate'
  | 'savesSessions' | 'integrityErrorRate' | 'silentRate' | 'retries' | 'verdict' | 'matchesExpectation' | 'workerFailures'
  | 'elapsedMs' | 'opsPerSecond' | 'statements' | 'statementsPerSecond'
>;

/** One scenario's run on one database (and swept value): its counts, rates, verdict and evidence. */
export interface JsonScenario extends FindingFacts {
  name: string;
  /** What the scenario expects at the level it ran at. */
  expect: Expectation;
  why: string;
  origin: string;
  isolation: Isolation | 'autocommit';
  /** A command scenario's program and its arguments: its processes did the ops. */
  command?: readonly string[];
  /** With a sweep: the swept value of this run, and what chance predicts for it. */
  sweep?: JsonScenarioSweep;
  /** With a list of databases: the one it ran on (its `--db` label). */
  database?: string;
  /** Keys drawn, over all ops: the finding's `draws`. */
  keysDrawn: number;
  /** With the verdict `broken`: why, in one line; else null. */
  brokenBy: string | null;
  /** Statements that went around racelab (another driver's, a synchronous one's); null when none. */
  uncontrolled: UncontrolledStatements | null;
  /** The stress check of this run. */
  check: JsonCheck;
  /** The earliest violation, with the database's error exactly as reported; null for none. */
  firstViolation: OpSample | null;
  firstLoudViolation: OpSample | null;
  firstSilentViolation: OpSample | null;
  /** The earliest op that found no free key: capacity, not a race. */
  firstCapacityFailure: OpSample | null;
  /** The earliest op that failed for a reason that is not a race. */
  firstHarnessFailure: OpSample | null;
  /** What the scenario's own audit hook found (the first 20). */
  invariantProblems: JsonInvariantProblem[];
  /** When the start barrier released the clients (ISO 8601): the zero of every sample's `atMs`; null if none ran. */
  releasedAt: string | null;
}

/** A swept run's value, and what chance predicts for it (null for an amplified run: its draws were steered). */
export interface JsonScenarioSweep {
  parameter: SweepParameter;
  value: number;
  expectation: JsonExpectation | null;
}

/** A problem the scenario's audit hook found, with the timeline of the ops its message names when they were recorded. */
export interface JsonInvariantProblem extends AuditProblem {
  timeline?: TimelineEntry[];
}

/** The gate's search of one scenario's interleavings. */
export interface JsonSearch {
  scenario: string;
  /** With a list of databases: the one searched on (its `--db` label). */
  database?: string;
  isolation: Isolation;
  budget: SearchBudget;
  elapsedMs: number;
  /** The search's seed: with `path`, it replays the failing input. */
  seed: number;
  /** Inputs tried: until the first failure when there is a counterexample. */
  inputs: number;
  /** The interleaving that broke the property; null when every input held. */
  counterexample: JsonSearchCounterexample | null;
  /** When every input held: the distinct interleavings among them. */
  interleavings?: number;
  /** When every input held: the inputs whose schedule chose between two or more clients' statements; 0 is no evidence. */
  contested?: number;
  /** When every input held: true when the time cap stopped the search before its budget of inputs. */
  timedOut?: boolean;
  /** Statements that went around racelab over every input tried; null when none. */
  uncontrolled: UncontrolledStatements | null;
}

/** A search's counterexample: the shrunk input, its interleaving, and the commands that replay it. */
export interface JsonSearchCounterexample {
  /** The run's shape: workers, opsPerWorker, keySpace, isolation, keySeed. */
  input: Omit<ExploreInput, 'choices'>;
  /** The steps in the order they happened, with what each returned. */
  interleaving: string[];
  outcomes: string;
  /** fast-check's path to the shrunk input. */
  path: string;
  shrinks: number;
  /** `racelab explore … --seed … --path …`: replays the search's failing input. */
  replayCommand: string;
  /** `racelab explore … --schedule …`: replays this interleaving. */
  scheduleCommand: string;
}
