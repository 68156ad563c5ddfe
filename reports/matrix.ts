/**
 * The database × scenario table of a run on a list of databases (`--db a,b,c`): per cell the
 * verdict, the violation rate with its interval, and the outcome that dominates the violations.
 * Terminal, Markdown, HTML and JSON show the same cells.
 */
import type { Finding } from '../harness/finding.ts';
import type { ReportDatabase, ReportInput } from '../harness/report-input.ts';
import { VIOLATIONS, type Outcome } from '../harness/contract/outcomes.ts';
import { stressCheckOf, type StressCheck } from '../harness/verdict.ts';
import { cellVerdict, rateCell } from './check-words.ts';
import { OUTCOME_WORDS } from './outcome-words.ts';


export interface MatrixCell {
  database: ReportDatabase;
  scenario: string;
  /** The finding, when the scenario ran there. */
  finding?: Finding;
  /** Its stress check: the verdict the cell shows. */
  check?: StressCheck;
  /** Why it did not run there, when the database lacks what it needs. */
  skipped?: string;
}

/** The violation outcome with the most ops, in words; undefined when nothing was violated. */
export function dominantViolation(finding: Finding): string | undefined {
  let best: Outcome | undefined;
  for (const outcome of VIOLATIONS) if (finding.outcomes[outcome] > 0 && (best === undefined || finding.outcomes[outcome] > finding.outcomes[best])) best = outcome;
  return best === undefined ? undefined : OUTCOME_WORDS[best];
}

/** Every database × scenario pair in run order: databases in the order given, scenarios as they ran. */
export function matrixCells(input: ReportInput): MatrixCell[] {
  const databases = input.databases ?? [input.database];
  const ran = new Set(input.points.flatMap((point) => [...point.findings.map((f) => f.scenario.name), ...point.skipped.map((s) => s.name)]));
  const names = input.scenarioNames.filter((name) => ran.has(name));
  return databases.flatMap((database) => {
    const point = input.points.find((candidate) => (candidate.database ?? input.database).label === database.label);
    return names.map((scenario): MatrixCell => {
      const finding = point?.findings.find((f) => f.scenario.name === scenario);
      const skipped = point?.skipped.find((s) => s.name === scenario)?.reason;
      return { database, scenario, ...(finding && { finding, check: stressCheckOf(input.decision, finding) }), ...(skipped !== undefined && { skipped }) };
    });
  });
}

/** A cell in words: `reproduced (EXPECTED holds): 1.58% [1.02%, 2.46%], IntegrityError`. */
export function cellWords(cell: MatrixCell): string {
  if (cell.skipped !== undefined) return 'skipped';
  const { finding, check } = cell;
  if (finding === undefined || check === undefined) return 'not run';
  // A broken run's rate is no bound on the race: the cell gives none.
  if (finding.verdict === 'broken') return cellVerdict(check);
  const dominant = dominantViolation(finding);
  return `${cellVerdict(check)}: ${rateCell(finding, 'rate')}${dominant ? `, ${dominant}` : ''}`;
}

/** How a column names its database. */
export function databaseHeading(database: ReportDatabase): string {
  return `${database.product} ${database.version} (${database.label})`;
}
