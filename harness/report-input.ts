import type { AnalyticExpectation } from './analytic.ts';
import type { ScenarioSearch } from './explore/search-scenarios.ts';
import type { Finding } from './finding.ts';
import type { SkippedScenario } from './reproduce.ts';
import type { RunConfig } from './contract/run-config.ts';
import type { Database, Isolation } from './contract/store.ts';
import type { Decision } from './verdict.ts';

/** A database as reports describe it. */
export interface ReportDatabase {
  kind: Database['kind'];
  product: string;
  version: string;
  defaultIsolation: Isolation;
  /** Why this database was chosen, e.g. "no container runtime (tried …)". */
  reason: string;
  /** How `--db` named it (`embedded@13`, `sqlite`, a URL without its password): a column of the database × scenario table. */
  label: string;
}

/**
 * Where the racelab that ran comes from, decided once from facts at run time
 * (run/tool-source.ts): what a reader needs to get the same one.
 */
export type ToolSource =
  /** A git checkout: its commit (null when git could not read it), whether tracked files differ from it, and its remote. */
  | { kind: 'checkout'; commit: string | null; dirty: boolean; remote: string | null }
  /** Installed from a registry, as the lockfile records it: the registry, and the tarball's address there. */
  | { kind: 'registry'; registry: string; resolved: string }
  /** Installed from a tarball file (`npm pack`'s), as the lockfile records it. */
  | { kind: 'tarball'; file: string }
  /** Installed, but no lockfile says from where (or it names something else: `resolved`). */
  | { kind: 'installed'; resolved: string | null }
  /** Neither a git checkout nor an installed package. */
  | { kind: 'unknown' };

/** racelab itself, as reports name it. */
export interface ToolInfo {
  name: string;
  version: string;
  source: ToolSource;
}

/** A user's scenario file, as the command line named it, and its copy in the report's directory. */
export interface ScenarioFileCopy {
  /** As given to `--scenario` (or to explore). */
  given: string;
  /** The copy's path relative to the report's directory: `scenarios/<name>`. */
  copy: string;
  /** Relative imports the file makes (`./util.ts`): they were not copied, only the file itself was. */
  imports: string[];
  /** Packages it imports (`racelab`, `pg`): they must be installed where the copy runs. */
  packages: string[];
  /** A command scenario's: the files its command runs (`./sessions_race.py`), relative to it; not copied either. */
  programFiles?: string[];
}

/** The run parameters a sweep can vary. */
export type SweepParameter = 'key-space' | 'workers';

/** One configuration that ran: the whole invocation, or one value of a sweep. */
export interface ReportPoint {
  /** The swept parameter's value at this point; absent without a sweep. */
  value?: number;
  config: RunConfig;
  /**
   * What chance predicts for this config, and for production with the real key space. Absent for
   * an amplified run (`config.amplify`), whose draws were steered: decided once, where the point is
   * made, and every output leaves it out alike.
   */
  expectation?: AnalyticExpectation;
  findings: Finding[];
  /** Scenarios this point's database lacks what they need for. */
  skipped: SkippedScenario[];
  /** With a list of databases (`--db a,b`), the one this point ran on. */
  database?: ReportDatabase;
}

/** Everything a renderer needs to describe one invocation. Renderers read it and decide nothing. */
export interface ReportInput {
  tool: ToolInfo;
  /**
   * The command line that reruns this invocation with the same config and seed. It names the
   * copies of the scenario files (`scenarioFiles`) when there are any: it is then run in the
   * report's directory.
   */
  replayCommand: string;
  /** racelab's arguments as given (passwords hidden); absent when run from code (`race()`). */
  commandLine?: string[];
  /** The user's scenario files this run copied into its report directory; empty when none. */
  scenarioFiles: ScenarioFileCopy[];
  /** The database, or with a list (`--db a,b`) the first; each point then names its own. */
  database: ReportDatabase;
  /** With a list of databases, all of them in order: the columns of the database × scenario table. */
  databases?: ReportDatabase[];
  /** With a list, the `--db` labels of those a broken or interrupted run never got to. */
  databasesNotRun?: string[];
  /** The scenarios asked for, in the order they ran: the rows of that table. */
  scenarioNames: string[];
  nodeVersion: string;
  /** The configuration as given; a sweep varies one parameter of it per point. */
  config: RunConfig;
  schedule: string;
  startedAt: Date;
  sweep?: { parameter: SweepParameter; values: number[] };
  /** One point, or one per swept value that ran, or one per database of a list. */
  points: ReportPoint[];
  /** True when Ctrl-C stopped the run: the findings cover only what ran. */
  interrupted: boolean;
  /** Why the run broke before its end (the database died, a worker crashed, an op hung), if it did. */
  failure?: string;
  /** The gate's property search of the scenarios after the stress run, when it made one. */
  searches?: ScenarioSearch[];
  /** The verdict of every check and of the whole invocation, decided once (verdict.ts): every output renders it. */
  decision: Decision;
}

/** A database by its `--db` label (absent: the only database): the product whose words its errors are. */
export function databaseOf(input: Pick<ReportInput, 'database' | 'databases'>, label: string | undefined): ReportDatabase {
  return input.databases?.find((db) => db.label === label) ?? input.database;
}

/** Every finding of the invocation with the point it belongs to. */
export function allFindings(input: Pick<ReportInput, 'points'>): { point: ReportPoint; finding: Finding }[] {
  return input.points.flatMap((point) => point.findings.map((finding) => ({ point, finding })));
}

/**
 * Per scenario, the finding to show evidence for, with the point it ran at (with a sweep, the value
 * every output names beside that evidence): the first point where it violated, else its first.
 */
export function evidenceFindings(input: Pick<ReportInput, 'points'>): { point: ReportPoint; finding: Finding }[] {
  const chosen = new Map<string, { point: ReportPoint; finding: Finding }>();
  for (const pair of allFindings(input)) {
    const current = chosen.get(pair.finding.scenario.name);
    if (!current || (current.finding.violations === 0 && pair.finding.violations > 0)) chosen.set(pair.finding.scenario.name, pair);
  }
  return [...chosen.values()];
}

/**
 * Whether a finding has evidence report.md shows (markdown.ts's `evidenceOf`): the error that broke
 * its run, its first loud violation, what its audit found, its first silent violation.
 */
export function showsEvidence(finding: Finding): boolean {
  return (
    (finding.verdict === 'broken' && finding.firstHarnessFailure !== undefined) ||
    finding.firstLoudViolation !== undefined ||
    finding.outcomes.invariant_violated > 0 ||
    finding.firstSilentViolation?.audit !== undefined
  );
}
