/**
 * The report.json `racelab explore` writes, written out: reports/explore-report.ts renders it and
 * TypeScript checks the renderer against these interfaces; reports/json-report.test.ts checks them,
 * field by field, against reports/explore-report.schema.json. Not part of the library's API.
 */
import type { ExploreInput } from '../harness/explore/schedule.ts';
import type { UncontrolledStatements } from '../harness/intercept/uncontrolled.ts';
import type { WorkerSample } from '../harness/protocol.ts';
import type { ScenarioFileCopy, ToolInfo } from '../harness/report-input.ts';
import type { AuditProblem } from '../harness/contract/scenario.ts';
import type { OverallVerdict } from '../harness/verdict.ts';

/** One exploration: a property search, a replayed schedule, or an exhaustive enumeration of one input's interleavings. */
export interface ExploreJsonReport {
  /** The version of report.json's shape, shared with reproduce's (reports/json.ts's `SCHEMA_VERSION`). */
  schemaVersion: 4;
  command: 'explore';
  tool: ToolInfo;
  /** When the exploration started, as an ISO 8601 timestamp in UTC. */
  createdAt: string;
  /** True when Ctrl-C stopped it: the account, the verdict and any counterexample (then not shrunk) cover only what ran. */
  interrupted: boolean;
  /** Reruns this exploration (`racelab explore …`). */
  replayCommand: string;
  /** racelab's arguments as given, the command first, passwords hidden. */
  commandLine: readonly string[];
  /** The user's scenario file copied into the report's directory, which `replayCommand` names: run it there. */
  scenarioFiles: readonly ScenarioFileCopy[];
  nodeVersion: string;
  database: ExploreJsonDatabase;
  scenario: { name: string; property: string };
  mode: 'search' | 'replay' | 'exhaustive';
  /** The decision the exit code is: pass 0, fail and no-evidence 1, interrupted 130. */
  result: { verdict: OverallVerdict; summary: string };
  verdict: {
    text: string;
    reproduced: boolean;
    /** Null where nothing was decided: no evidence, or interrupted. */
    matchesExpectation: boolean | null;
  };
  /** The property search: its seed, the inputs tried, and the distinct interleavings that held (null when one failed); null for other modes. */
  searched: { seed: number; inputs: number; interleavings: number | null } | null;
  /** `--exhaustive`: every interleaving of one input, and how many broke the property; null for other modes. */
  enumerated: { interleavings: number; violating: number } | null;
  /** Statements the ops sent that racelab could neither time nor schedule; null when none. */
  uncontrolled: UncontrolledStatements | null;
  /** The interleaving that broke the property; null when none did. */
  counterexample: ExploreJsonCounterexample | null;
  /** The lines explore printed, as printed. */
  account: readonly string[];
}

/** The database explored, as `racelab explore` names it. */
export interface ExploreJsonDatabase {
  kind: string;
  product: string;
  version: string;
  /** Why this database was chosen. */
  reason: string;
}

/** The interleaving that broke the property, and the commands that replay it. */
export interface ExploreJsonCounterexample {
  /** The run's shape: workers, opsPerWorker, keySpace, isolation, keySeed. */
  input: Omit<ExploreInput, 'choices'>;
  /** The workers released, in order. */
  order: number[];
  /** The interleaving as `--schedule` takes it. */
  schedule: string;
  /** The steps in the order they happened, with what each returned. */
  interleaving: string[];
  outcomes: string;
  /** The failing ops' evidence, with the database's own error. */
  samples: WorkerSample[];
  invariantProblems: AuditProblem[];
  /** `racelab explore … --schedule`: replays this interleaving. */
  replayCommand: string;
  /** A search's seed. */
  seed?: number;
  /** A search's fast-check path to the failing input. */
  path?: string;
  /** `racelab explore … --seed … --path`: replays the search's failing input. */
  searchReplayCommand?: string;
  /** The search's shrinking steps. */
  shrinks?: number;
}
