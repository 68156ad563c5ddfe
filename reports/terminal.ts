/**
 * The terminal report: the scenarios side by side, the first violation exactly as the database
 * reported it (the traceback ticket #18344 never had), the silent ones the audit found, and what
 * chance alone predicts.
 */
import type { AnalyticExpectation } from '../harness/analytic.ts';
import type { Finding } from '../harness/finding.ts';
import type { ReportInput } from '../harness/report-input.ts';
import type { OpSample } from '../harness/types.ts';
import { alignColumns, count, magnitude, percent, rateWithInterval } from './format.ts';

/** Up to this many scenarios are columns; more are rows, to fit a terminal's width. */
const MAX_COLUMNS = 3;

export function renderTerminal(input: ReportInput, reportPath: string): string {
  const { config, findings } = input;
  const keys = config.keys === 'shrunk' ? `key space ${count(config.keySpace)} · occupancy ${config.occupancy}` : `keys ${config.keys} (36^32)`;
  const lines = [
    `${input.tool.name} ${input.tool.version} · PostgreSQL ${input.database.version} (${input.database.kind}; ${input.database.reason})`,
    `${config.workers} workers × ${count(config.opsPerWorker)} ops · ${keys} · isolation ${config.isolation} · seed ${config.seed}`,
    `schedule: ${input.schedule}`,
    '',
  ];
  if (input.interrupted) lines.push('INTERRUPTED: the table covers only the ops that ran before Ctrl-C.', '');
  if (findings.length > 0) {
    lines.push(`property: ${findings[0]!.property}`, '');
    lines.push(...(findings.length <= MAX_COLUMNS ? columns(findings) : rows(findings)), '');
    lines.push(...evidence(findings));
  }
  lines.push(...analytic(input.expectation), '');
  lines.push(`rerun:  ${input.replayCommand}`);
  lines.push('        (the same keys are drawn; how threads interleave differs from run to run)');
  lines.push(`report: ${reportPath}`);
  return `${lines.join('\n')}\n`;
}

const verdict = (f: Finding) =>
  `${f.verdict} (${f.matchesExpectation ? 'as expected' : `EXPECTED ${f.scenario.expect === 'unsafe' ? 'reproduced' : 'holds'}`})`;
/** Failures that are neither an IntegrityError nor found by the audit. */
const otherFailures = (f: Finding) => f.ops - f.outcomes.ok - f.outcomes.integrity_error - f.silentViolations;

const METRICS: readonly [string, (f: Finding) => string][] = [
  ['expected', (f) => f.scenario.expect],
  ['isolation', (f) => f.scenario.isolation],
  ['ops', (f) => count(f.ops)],
  ['ok', (f) => count(f.outcomes.ok)],
  ['IntegrityError', (f) => count(f.outcomes.integrity_error)],
  ['overwritten (silent)', (f) => count(f.outcomes.overwritten)],
  ['lost (silent)', (f) => count(f.outcomes.lost)],
  ['other failures', (f) => count(otherFailures(f))],
  ['refused & retried', (f) => count(f.retries)],
  ['keys redrawn', (f) => count(f.draws - f.ops)],
  ['violation rate [95% CI]', (f) => rateWithInterval(f.rate)],
  ['IntegrityError rate [95% CI]', (f) => rateWithInterval(f.integrityErrorRate)],
  ['verdict', verdict],
  ['ops/s', (f) => count(Math.round(f.opsPerSecond))],
];

function columns(findings: readonly Finding[]): string[] {
  return alignColumns([['', ...findings.map((f) => f.scenario.name)], ...METRICS.map(([label, cell]) => [label, ...findings.map(cell)])]);
}

const ROW_METRICS = ['expected', 'isolation', 'ops', 'IntegrityError', 'overwritten (silent)', 'lost (silent)', 'other failures', 'refused & retried', 'violation rate [95% CI]', 'verdict'];

function rows(findings: readonly Finding[]): string[] {
  const metrics = METRICS.filter(([label]) => ROW_METRICS.includes(label));
  const heading = ['scenario', ...metrics.map(([label]) => label.replace(' (silent)', '').replace(' [95% CI]', ' [95%]'))];
  return alignColumns([heading, ...findings.map((f) => [f.scenario.name, ...metrics.map(([, cell]) => cell(f))])], '  ');
}

function evidence(findings: readonly Finding[]): string[] {
  const lines: string[] = [];
  for (const finding of findings) {
    const loud = finding.firstLoudViolation;
    if (loud) {
      const what = loud.outcome === 'integrity_error' ? 'First IntegrityError, as PostgreSQL reported it' : `First ${loud.outcome}`;
      lines.push(`${what} (${describe(loud)}):`, ...errorLines(loud), '');
    }
    const silent = finding.firstSilentViolation;
    if (silent?.audit) {
      lines.push(`First ${silent.outcome} session, with no error raised (${describe(silent)}):`);
      lines.push(`  session key: ${silent.key}`, `  op wrote:    ${silent.audit.wrote}`);
      lines.push(`  row holds:   ${silent.audit.found ?? '(no row: gone though its owner never deleted it)'}`, '');
    }
    if (finding.violations === 0 && !finding.workerFailures.length) {
      const absorbed =
        finding.retries > 0
          ? ` It absorbed ${count(finding.retries)} refusals (a key taken, or a transaction refused) by retrying with a new key; no caller saw them.`
          : '';
      lines.push(`${finding.scenario.name}: no violation in ${count(finding.ops)} ops; its rate is below ${percent(finding.rate.high)} at 95% confidence.${absorbed}`, '');
    }
    const exhausted = finding.outcomes.key_space_exhausted;
    if (exhausted > 0) {
      lines.push(
        `${finding.scenario.name}: ${count(exhausted)} ops found no free key within the draw cap: the key space is too small for this load (capacity, not a race; they do not count as violations).`,
        '',
      );
    }
    const harness = finding.firstHarnessFailure;
    if (harness) lines.push(`HARNESS FAILURE, not a race (${describe(harness)}):`, ...errorLines(harness), '');
    for (const failure of finding.workerFailures) {
      lines.push(`HARNESS FAILURE: ${finding.scenario.name} worker ${failure.worker} failed at ${failure.phase}: ${failure.error.message}`, '');
    }
  }
  return lines;
}

function analytic(expectation: AnalyticExpectation): string[] {
  const lines = [`chance alone (key space ${magnitude(expectation.keySpace)}, ≈${magnitude(expectation.liveSessions)} live sessions, ${count(expectation.ops)} ops per scenario):`];
  if (expectation.identicalStreams) {
    lines.push('  every worker draws the identical key stream: same-key draws are certain, not chance;');
    lines.push(`  of every set of ops drawing the same key at once, all but one can lose: at most ${magnitude(expectation.racingDrawsBound)}`);
  } else {
    lines.push(`  keys redrawn because the draw was live (the check catches these): ≈${magnitude(expectation.expectedRedraws)} expected`);
    lines.push(`  same-key draws by concurrent ops: at most ${magnitude(expectation.racingDrawsBound)} (if every op overlapped every other worker's)`);
  }
  const p = expectation.production;
  lines.push(
    `production: with Django's 36^32 ≈ ${magnitude(p.keySpace)} keys at ${count(p.sessionsPerSecond)} new sessions/s, the first repeated key`,
    `  of all time is expected after ≈${magnitude(p.sessionsToFirstRepeat)} sessions, ≈${magnitude(p.yearsToFirstRepeat)} years; a race needs more than that`,
  );
  return lines;
}

function describe(sample: OpSample): string {
  const when = sample.audit ? 'found by the audit' : 'into the run';
  return `${sample.scenario}, worker ${sample.worker}, op ${sample.op}, ${Math.round(sample.atMs)} ms ${when}`;
}

/** The error in psql's own layout, so it reads as the server's words. */
function errorLines(sample: OpSample): string[] {
  const { error } = sample;
  const lines = [`  ${error.severity ?? 'ERROR'}:  ${error.message}`];
  if (error.code) lines.push(`  SQLSTATE: ${error.code}`);
  if (error.detail) lines.push(`  DETAIL:  ${error.detail}`);
  if (error.hint) lines.push(`  HINT:  ${error.hint}`);
  const where = [error.constraint && `constraint ${error.constraint}`, error.table && `table ${[error.schema, error.table].filter(Boolean).join('.')}`];
  if (where.some(Boolean)) lines.push(`  ${where.filter(Boolean).join(' · ')}`);
  if (sample.key) lines.push(`  session key: ${sample.key}`);
  if (error.stack) lines.push(...error.stack.split('\n').slice(1, 6).map((l) => `  ${l.trim()}`));
  return lines;
}
