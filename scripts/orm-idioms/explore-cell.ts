/**
 * One cell of the table: `racelab explore` of one idiom on one database at one isolation level,
 * run as a user runs it (its own process, its own report directory), and read back from its
 * report.json, or from its last line when it broke and wrote none.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const BIN = new URL('../../bin/racelab.js', import.meta.url).pathname;

export type Level = 'read-committed' | 'repeatable-read' | 'serializable' | 'autocommit';

export interface CellRun {
  /** The scenario file, relative to the checkout. */
  file: string;
  /** What explore's --db gets. */
  db: string;
  level: Level;
  runs: number;
  seed: number;
  out: string;
}

export interface CellResult {
  /** atomic: explore held; race: a counterexample; broken: an op failed with an error that is not a race; no-evidence; failed: explore could not run. */
  kind: 'atomic' | 'race' | 'broken' | 'no-evidence' | 'failed';
  /** The cell's words: what happened. */
  what: string;
  /** The same in a few words, for the summary table: `duplicates`, `23505 unique violation`. */
  short?: string;
  /** Whether it is what the scenario file declares (`expect`, `expectOn`, `expectUnder`), when explore said. */
  matchesExpectation?: boolean;
  inputs?: number;
  interleavings?: number | null;
  /** The shrunk counterexample: its shape, its interleaving (the ORM's SQL), its outcomes and its schedule. */
  shape?: string;
  interleaving?: string[];
  outcomes?: string;
  schedule?: string;
  /** The database as explore's report names it. */
  database?: { product: string; version: string };
  seconds: number;
  exitCode: number | null;
  /** Explore's own output, for a cell that failed. */
  output?: string;
}

/** The explore process under way, so that Ctrl-C can stop it. */
export let running: ChildProcess | undefined;

export async function exploreCell(cell: CellRun): Promise<CellResult> {
  const args = ['explore', cell.file, '--db', cell.db, '--runs', String(cell.runs), '--seed', String(cell.seed), '--out', cell.out];
  if (cell.level !== 'autocommit') args.push('--isolation', cell.level);
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  running = child;
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // A cell that outlives its budget is stopped as Ctrl-C would, then killed: the table goes on.
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGINT');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  }, cellBudgetMs(cell.runs));
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  clearTimeout(timer);
  running = undefined;
  const seconds = (performance.now() - started) / 1000;
  const reportFile = join(cell.out, 'latest', 'report.json');
  if (timedOut) {
    return { kind: 'failed', what: `explore did not finish within ${Math.round(cellBudgetMs(cell.runs) / 60_000)} min and was stopped`, seconds, exitCode, output: `${stdout}${stderr}`.slice(-4000) };
  }
  if (!existsSync(reportFile)) return fromOutput(exitCode, stdout, stderr, seconds);
  return fromReport(JSON.parse(readFileSync(reportFile, 'utf8')) as ExploreReport, exitCode, seconds);
}

/** How long one cell may take: 5 minutes, or 6 s an input, whichever is longer. */
const cellBudgetMs = (runs: number) => Math.max(300_000, runs * 6_000);

/** The fields of explore's report.json (reports/explore-report.schema.json) the table reads. */
interface ExploreReport {
  database: { product: string; version: string };
  result: { verdict: string; summary: string };
  verdict: { reproduced: boolean; matchesExpectation: boolean | null };
  searched: { inputs: number; interleavings: number | null } | null;
  uncontrolled: unknown;
  counterexample: {
    input: { workers: number; opsPerWorker: number; keySpace: number };
    schedule: string;
    interleaving: string[];
    outcomes: string;
    samples: { outcome: string; worker: number; op: number; error: { code?: string; message: string; raisedAs?: string } }[];
    invariantProblems: { message: string }[];
  } | null;
}

function fromReport(report: ExploreReport, exitCode: number | null, seconds: number): CellResult {
  const base = {
    database: report.database,
    seconds,
    exitCode,
    ...(report.verdict.matchesExpectation !== null && { matchesExpectation: report.verdict.matchesExpectation }),
    ...(report.searched && { inputs: report.searched.inputs, interleavings: report.searched.interleavings }),
  };
  const example = report.counterexample;
  if (report.verdict.reproduced && example) {
    const { workers, opsPerWorker, keySpace } = example.input;
    return {
      ...base,
      kind: 'race',
      what: whatHappened(example),
      short: shortly(example),
      shape: `${workers} workers × ${opsPerWorker} op${opsPerWorker === 1 ? '' : 's'}, key space ${keySpace}`,
      interleaving: example.interleaving,
      outcomes: example.outcomes,
      schedule: example.schedule,
    };
  }
  if (report.result.verdict === 'no-evidence') return { ...base, kind: 'no-evidence', what: report.result.summary };
  if (report.verdict.reproduced === false && (report.result.verdict === 'pass' || report.result.verdict === 'fail')) {
    return { ...base, kind: 'atomic', what: 'atomic' };
  }
  return { ...base, kind: 'failed', what: report.result.summary };
}

/**
 * What the shrunk counterexample did, in the database's words: the codes that reached the
 * callers, and what the scenario's audit found afterwards.
 */
function whatHappened(example: NonNullable<ExploreReport['counterexample']>): string {
  const parts: string[] = [];
  const loud = new Map<string, number>();
  for (const sample of example.samples) {
    const label = `${OUTCOME_WORDS[sample.outcome] ?? sample.outcome}${sample.error.code ? ` ${sample.error.code}` : ''}${raisedAs(sample.error.raisedAs)}`;
    loud.set(label, (loud.get(label) ?? 0) + 1);
  }
  for (const [label] of loud) parts.push(`${label} to the caller`);
  const problems = example.invariantProblems.map((problem) => shorten(problem.message));
  if (problems.length > 0) {
    const distinct = [...new Set(problems)];
    parts.push(`${loud.size === 0 ? 'no error; ' : ''}audit: ${distinct.join('; ')}`);
  }
  return parts.join(', ') || example.outcomes;
}

/** What happened in a few words: the codes that reached the callers, or the duplicates the audit found. */
function shortly(example: NonNullable<ExploreReport['counterexample']>): string {
  const loud = [...new Set(example.samples.map((sample) => `${sample.error.code ?? ''} ${OUTCOME_WORDS[sample.outcome] ?? sample.outcome}`.trim()))];
  const problems = example.invariantProblems;
  // Every example's audit counts the users with more than one profile (examples/orm/README.md).
  const silent = problems.length === 0 ? [] : problems.every((problem) => /^\d+ profiles for /.test(problem.message)) ? ['duplicates'] : ['audit problems'];
  return [...loud, ...silent].join(', ');
}

/**
 * What the caller got, where an ORM wrapped or replaced the database's error: its class, or, for
 * an error of no class of its own, its message (Sequelize's "Transaction cannot be committed…").
 */
function raisedAs(raised: string | undefined): string {
  if (raised === undefined) return '';
  const [name, ...rest] = raised.split('\n')[0]!.split(': ');
  if (name !== 'Error') return ` (raised as ${name})`;
  const message = rest.join(': ').replace(/`/g, "'");
  return ` (raised as \`Error: ${message.length > 60 ? `${message.slice(0, 59)}…` : message}\`)`;
}

const OUTCOME_WORDS: Record<string, string> = {
  integrity_error: 'unique violation',
  serialization_failure: 'serialization failure',
  deadlock: 'deadlock',
  lock_timeout: 'lock timeout',
};

/** An audit's message without its owners and with drawn keys elided: the same words for every run. */
function shorten(message: string): string {
  return message.replace(/\s*\(created by [^)]*\)/, '').replace(/([a-z0-9]{4})[a-z0-9]{16,}/g, '$1…');
}

/** Explore wrote no report: it broke (an error that is not a race) or could not run. */
function fromOutput(exitCode: number | null, stdout: string, stderr: string, seconds: number): CellResult {
  const last = stderr.trim().split('\n').filter((line) => line.startsWith('racelab explore:')).pop();
  const notRace = last && /ended (error|indeterminate), which is not a race: (.*)$/.exec(last);
  if (exitCode === 3 && notRace) {
    return { kind: 'broken', what: `an error racelab cannot call a race reached the caller: ${notRace[2]}`, seconds, exitCode };
  }
  return { kind: 'failed', what: last?.replace(/^racelab explore:\s*/, '') ?? `explore exited ${exitCode}`, seconds, exitCode, output: `${stdout}${stderr}`.slice(-4000) };
}
