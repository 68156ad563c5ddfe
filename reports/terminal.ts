/**
 * The terminal report: the scenarios side by side, then the first violation exactly as the
 * database reported it, the traceback ticket #18344 never had.
 */
import type { Finding } from '../harness/finding.ts';
import type { ReportInput } from '../harness/report-input.ts';
import { HARNESS_FAILURES, VIOLATIONS, type OpSample } from '../harness/types.ts';
import { count, percent, rateWithInterval } from './format.ts';

export function renderTerminal(input: ReportInput, reportPath: string): string {
  const { config, findings } = input;
  const lines = [
    `${input.tool.name} ${input.tool.version} · PostgreSQL ${input.database.version} (${input.database.kind}; ${input.database.reason})`,
    `${config.workers} workers × ${count(config.opsPerWorker)} ops · key space ${count(config.keySpace)} · occupancy ${config.occupancy} · seed ${config.seed}`,
    `schedule: ${input.schedule}`,
    '',
  ];
  if (input.interrupted) lines.push('INTERRUPTED: the table covers only the ops that ran before Ctrl-C.', '');
  if (findings.length > 0) {
    lines.push(`property: ${findings[0]!.property}`, '', ...sideBySide(findings), '');
    lines.push(...evidence(findings));
  }
  lines.push(`rerun:  ${input.replayCommand}`);
  lines.push('        (the same keys are drawn; how threads interleave differs from run to run)');
  lines.push(`report: ${reportPath}`);
  return `${lines.join('\n')}\n`;
}

function sideBySide(findings: readonly Finding[]): string[] {
  const otherFailures = (f: Finding) =>
    [...VIOLATIONS, ...HARNESS_FAILURES].reduce((sum, o) => sum + (o === 'integrity_error' ? 0 : f.outcomes[o]), 0);
  const verdict = (f: Finding) => `${f.verdict} (${f.matchesExpectation ? 'as expected' : `EXPECTED ${f.scenario.expect === 'unsafe' ? 'reproduced' : 'holds'}`})`;
  const rows: [string, (f: Finding) => string][] = [
    ['expected', (f) => f.scenario.expect],
    ['ops', (f) => count(f.ops)],
    ['ok', (f) => count(f.outcomes.ok)],
    ['IntegrityError', (f) => count(f.outcomes.integrity_error)],
    ['other failures', (f) => count(otherFailures(f))],
    ['collisions retried', (f) => count(f.retries)],
    ['IntegrityError rate [95% CI]', (f) => rateWithInterval(f.integrityErrorRate)],
    ['verdict', verdict],
    ['ops/s', (f) => count(Math.round(f.opsPerSecond))],
  ];
  const table = [['', ...findings.map((f) => f.scenario.name)], ...rows.map(([label, cell]) => [label, ...findings.map(cell)])];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  return table.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('   ').trimEnd());
}

function evidence(findings: readonly Finding[]): string[] {
  const lines: string[] = [];
  for (const finding of findings) {
    const first = finding.firstViolation;
    if (first) {
      const what = first.outcome === 'integrity_error' ? 'First IntegrityError, as PostgreSQL reported it' : `First ${first.outcome}`;
      lines.push(`${what} (${describe(first)}):`, ...errorLines(first), '');
    }
    if (finding.retries > 0 && finding.violations === 0) {
      lines.push(
        `${finding.scenario.name} absorbed ${count(finding.retries)} collisions by retrying with a new key: the race happened, no caller saw it.`,
      );
      lines.push(`  With none in ${count(finding.ops)} ops, its violation rate is below ${percent(finding.rate.high)} at 95% confidence.`, '');
    }
    const harness = finding.firstHarnessFailure;
    if (harness) lines.push(`HARNESS FAILURE, not a race (${describe(harness)}):`, ...errorLines(harness), '');
    for (const failure of finding.workerFailures) {
      lines.push(`HARNESS FAILURE: ${finding.scenario.name} worker ${failure.worker} failed at ${failure.phase}: ${failure.error.message}`, '');
    }
  }
  return lines;
}

function describe(sample: OpSample): string {
  return `${sample.scenario}, worker ${sample.worker}, op ${sample.op}, ${Math.round(sample.atMs)} ms into the run`;
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
