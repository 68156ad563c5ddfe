/**
 * The terminal report: the scenarios side by side, the first violation exactly as the database
 * reported it (the traceback ticket #18344 never had), the silent ones the audit found, and what
 * chance alone predicts.
 */
import type { Finding } from '../harness/finding.ts';
import { describeWorkerFailure } from '../harness/worker-failure.ts';
import { allFindings, evidenceFindings, type ReportInput } from '../harness/report-input.ts';
import { alignColumns, amplifiedWords, count, firstOf, plural, concurrency, isolationWords, sweptAt, sweptValue } from './format.ts';
import { analyticLines, describeSample, errorLines, timelineSection, tracebackTail } from './evidence-lines.ts';
import { fewWindowsAdvice, holdsBound } from './windows-words.ts';
import { SEED_FIXES } from './seed-words.ts';
import { rerunTerminalLines } from './rerun-words.ts';
import { databaseHeading, dominantViolation, matrixCells, type MatrixCell } from './matrix.ts';
import { cellVerdict, overallWords, rateCell } from './check-words.ts';
import { OUTCOME_WORDS } from './outcome-words.ts';
import { stressCheckOf, type StressCheck } from '../harness/verdict.ts';

/** Up to this many scenarios are columns; more are rows, when they fit the terminal's width. */
const MAX_COLUMNS = 3;

/** `width`: the terminal's columns; a table wider than that becomes one block per scenario. */
export function renderTerminal(input: ReportInput, reportPath: string, width = 80): string {
  const { config } = input;
  const swept = (parameter: string, value: string) => (input.sweep?.parameter === parameter ? input.sweep.values.join('/') : value);
  const keys =
    config.keys === 'shrunk' ? `key space ${swept('key-space', count(config.keySpace))} · occupancy ${config.occupancy}` : `keys ${config.keys} (36^32)`;
  const on = input.databases
    ? [
        `${input.tool.name} ${input.tool.version} · on ${plural(input.databases.length, 'database')}, one after another:`,
        ...input.databases.map((db) => `  ${databaseHeading(db)}: ${db.kind}; ${db.reason}`),
        ...(input.databasesNotRun ? [`  not run: ${input.databasesNotRun.join(', ')} (the run stopped before ${input.databasesNotRun.length === 1 ? 'it' : 'them'})`] : []),
      ]
    : [`${input.tool.name} ${input.tool.version} · ${input.database.product} ${input.database.version} (${input.database.kind}; ${input.database.reason})`];
  const lines = [
    ...on,
    `${concurrency(input)} · ${keys} · ${isolationWords(input)} · seed ${config.seed}`,
    `schedule: ${input.schedule}`,
    ...(amplifiedWords(config) ? [amplifiedWords(config)!] : []),
    '',
  ];
  if (input.interrupted) lines.push('INTERRUPTED: the table covers only the ops that ran before Ctrl-C.', '');
  if (input.failure) lines.push(`THE RUN BROKE, no verdict can be trusted: ${input.failure}`, '');
  const findings = allFindings(input).map(({ finding }) => finding);
  if (findings.length > 0) {
    lines.push(`property: ${findings[0]!.property}`, '');
    if (input.sweep) lines.push(...sweepTable(input, input.sweep), '');
    else if (input.databases) lines.push(...matrixTable(input, width), '');
    else lines.push(...fitted(findings.map((finding) => stressCheckOf(input.decision, finding)), width), '');
    lines.push(...skippedLines(input));
    if (input.databases) {
      for (const point of input.points) {
        const own = evidence(point.findings.map((finding) => ({ finding, at: '' })), point.database!.product);
        if (own.length > 0) lines.push(`── on ${databaseHeading(point.database!)} ──`, '', ...own);
      }
    } else {
      // With a sweep, each scenario's evidence comes from one of its values, which it names.
      lines.push(...evidence(evidenceFindings(input).map(({ finding, point }) => ({ finding, at: sweptAt(input, point) })), input.database.product));
    }
  } else {
    lines.push(...skippedLines(input));
  }
  const first = input.points[0];
  // What chance predicts is about session keys drawn at random: a scenario that saves no
  // session (a user's signup, say) gets none of it.
  // An amplified run has no prediction of chance (report-input.ts).
  if (first?.expectation && findings.some((f) => f.savesSessions)) lines.push(...analyticLines(first.expectation), '');
  lines.push(`verdict: ${overallWords(input)}`);
  lines.push(...rerunTerminalLines(input, SEED_FIXES));
  lines.push(`report: ${reportPath}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The database × scenario table, one row per pair: it fits a terminal where a grid of five
 * databases would not. Narrower than that, one block per database under its `--db` name, each
 * row only its scenario, verdict, rate and dominant violation.
 */
function matrixTable(input: ReportInput, width: number): string[] {
  const cells = matrixCells(input);
  const header = ['database', 'scenario', 'expected', 'isolation', 'verdict', 'violation rate [95% CI]', 'dominant violation'];
  const wide = cells.map((cell) => {
    const { finding: f, check } = cell;
    if (!f || !check) return [cell.database.label, cell.scenario, '', '', cell.skipped === undefined ? 'not run' : 'skipped', '', ''];
    return [cell.database.label, cell.scenario, f.scenario.expect, f.scenario.isolation, cellVerdict(check), rateCell(f, 'rate'), dominantViolation(f) ?? '-'];
  });
  const table = alignColumns([header, ...wide], '  ');
  if (table.every((line) => line.length <= width)) return table;
  const narrow = (cell: MatrixCell) => {
    const { finding: f, check } = cell;
    if (!f || !check) return [cell.scenario, cell.skipped === undefined ? 'not run' : 'skipped', '', ''];
    return [cell.scenario, cellVerdict(check, true), rateCell(f, 'rate'), dominantViolation(f) ?? '-'];
  };
  return (input.databases ?? [input.database]).flatMap((database, index) => [
    ...(index > 0 ? [''] : []),
    `${database.label}:`,
    ...alignColumns(cells.filter((cell) => cell.database === database).map(narrow), '  ').map((line) => `  ${line}`),
  ]);
}

/** Scenarios a database lacked what they need for, and its reason. */
function skippedLines(input: ReportInput): string[] {
  const lines = input.points.flatMap((point) =>
    point.skipped.map((s) => `skipped ${s.name} on ${(point.database ?? input.database).product}: ${s.reason}.`),
  );
  return lines.length > 0 ? [...lines, ''] : [];
}

/**
 * Scenarios down, swept values across: the violation rate with its interval at each, and the value
 * whose run the evidence below the table comes from (its first violation and timeline).
 */
function sweepTable(input: ReportInput, sweep: NonNullable<ReportInput['sweep']>): string[] {
  const shown = evidenceFindings(input);
  const names = [...new Set(allFindings(input).map(({ finding }) => finding.scenario.name))];
  const header = ['scenario', ...input.points.map((point) => sweptValue(sweep, point)), 'evidence below'];
  const rowsOf = names.map((name) => {
    const evidence = shown.find(({ finding }) => finding.scenario.name === name);
    return [
      name,
      ...input.points.map((point) => {
        const finding = point.findings.find((f) => f.scenario.name === name);
        return finding ? `${rateCell(finding, 'rate')}${stressCheckOf(input.decision, finding).verdict === 'pass' ? '' : ' !'}` : '-';
      }),
      evidence ? `from ${sweptValue(sweep, evidence.point)}` : '-',
    ];
  });
  return [
    ...alignColumns([header, ...rowsOf], '  '),
    '(violation rate [95% CI] at each value; ! marks a check that did not pass: see the lines below the report;',
    " evidence below: the value whose run the lines below the table are from: the first that violated, else the first)",
  ];
}

/** Failures that are neither an IntegrityError nor found by the audit. */
const otherFailures = (f: Finding) => f.ops - f.outcomes.ok - f.outcomes.integrity_error - f.silentViolations;

const METRICS: readonly [string, (f: Finding, check: StressCheck) => string][] = [
  ['expected', (f) => f.scenario.expect],
  ['isolation', (f) => f.scenario.isolation],
  ['ops', (f) => count(f.ops)],
  ['ok', (f) => count(f.outcomes.ok)],
  [OUTCOME_WORDS.integrity_error, (f) => count(f.outcomes.integrity_error)],
  ['overwritten (silent)', (f) => count(f.outcomes.overwritten)],
  ['lost (silent)', (f) => count(f.outcomes.lost)],
  ['invariant violated (silent)', (f) => count(f.outcomes.invariant_violated)],
  ['other failures', (f) => count(otherFailures(f))],
  ['refused & retried', (f) => count(f.retries)],
  ['keys redrawn', (f) => count(f.draws - f.ops)],
  ['race windows', (f) => count(f.windows)],
  ['violation rate [95% CI]', (f) => rateCell(f, 'rate')],
  ['per race window [95% CI]', (f) => rateCell(f, 'windowRate')],
  [`${OUTCOME_WORDS.integrity_error} rate [95% CI]`, (f) => rateCell(f, 'integrityErrorRate')],
  ['verdict', (_, check) => cellVerdict(check)],
  ['ops/s', (f) => count(Math.round(f.opsPerSecond))],
];

/** Rows about session keys: they mean nothing to a scenario that saves no session. */
const SESSION_METRICS = ['overwritten (silent)', 'lost (silent)', 'keys redrawn'];

/**
 * The metrics worth a row: an invariant only scenarios with an audit hook can violate is left out
 * when none did, and the session rows when no scenario saves sessions.
 */
function metricsFor(checks: readonly StressCheck[]) {
  const findings = checks.map((check) => check.finding);
  const anyInvariant = findings.some((f) => f.outcomes.invariant_violated > 0);
  const anySessions = findings.some((f) => f.savesSessions);
  return METRICS.filter(([label]) => (anyInvariant || label !== 'invariant violated (silent)') && (anySessions || !SESSION_METRICS.includes(label)));
}

/** Columns for a few scenarios, rows for more; one block per scenario when neither fits `width`. */
function fitted(checks: readonly StressCheck[], width: number): string[] {
  const fits = (lines: string[]) => lines.every((line) => line.length <= width);
  if (checks.length <= MAX_COLUMNS) {
    const table = columns(checks);
    if (fits(table)) return table;
  } else {
    const table = rows(checks);
    if (fits(table)) return table;
  }
  return blocks(checks);
}

function columns(checks: readonly StressCheck[]): string[] {
  return alignColumns([['', ...checks.map((c) => c.scenario)], ...metricsFor(checks).map(([label, cell]) => [label, ...checks.map((c) => cell(c.finding, c))])]);
}

/** One block per scenario: its name, then one metric per line. Fits any width a metric fits. */
function blocks(checks: readonly StressCheck[]): string[] {
  const metrics = metricsFor(checks).filter(([label]) => label !== 'verdict');
  return checks.flatMap((c, index) => [
    ...(index > 0 ? [''] : []),
    `${c.scenario}: ${cellVerdict(c)}`,
    ...alignColumns(metrics.map(([label, cell]) => [`  ${label}`, cell(c.finding, c)]), '  '),
  ]);
}

const ROW_METRICS = [
  'expected',
  'isolation',
  'ops',
  OUTCOME_WORDS.integrity_error,
  'overwritten (silent)',
  'lost (silent)',
  'invariant violated (silent)',
  'other failures',
  'refused & retried',
  'race windows',
  'violation rate [95% CI]',
  'per race window [95% CI]',
  'verdict',
];

function rows(checks: readonly StressCheck[]): string[] {
  const metrics = metricsFor(checks).filter(([label]) => ROW_METRICS.includes(label));
  const heading = ['scenario', ...metrics.map(([label]) => label.replace(' (silent)', '').replace('invariant violated', 'invariant').replace(' [95% CI]', ' [95%]').replace('race windows', 'windows'))];
  return alignColumns([heading, ...checks.map((c) => [c.scenario, ...metrics.map(([, cell]) => cell(c.finding, c))])], '  ');
}

/** The evidence block of one finding, as the terminal report shows it; `at` names a sweep's value (` at key-space=64`). */
export function evidenceLinesFor(finding: Finding, product: string, at = ''): string[] {
  return evidence([{ finding, at }], product);
}

/**
 * `product` names the database whose words the error is; each finding's `at` the value of a sweep
 * it ran at (` at key-space=64`), after its name wherever the evidence names the scenario.
 */
function evidence(findings: readonly { finding: Finding; at: string }[], product: string): string[] {
  const lines: string[] = [];
  for (const { finding, at } of findings) {
    const name = `${finding.scenario.name}${at}`;
    const loud = finding.firstLoudViolation;
    if (loud) {
      const what = loud.outcome === 'integrity_error' ? `First IntegrityError, as ${product} reported it` : `First ${loud.outcome}`;
      lines.push(`${what} (${describeSample(loud, at)}):`, ...errorLines(loud), ...tracebackTail(loud), ...timelineSection(loud), '');
    }
    const silent = finding.firstSilentViolation;
    if (silent?.audit) {
      lines.push(`First ${silent.outcome} session, with no error raised (${describeSample(silent, at)}):`);
      lines.push(`  session key: ${silent.key}`, `  op wrote:    ${silent.audit.wrote}`);
      lines.push(`  row holds:   ${silent.audit.found ?? '(no row: gone though its owner never deleted it)'}`, ...timelineSection(silent), '');
    }
    const audited = finding.outcomes.invariant_violated;
    if (audited > 0) {
      lines.push(`${name}: its audit found ${plural(audited, 'violation')} of its invariant, with no error raised:`);
      lines.push(...firstOf(finding.invariantProblems.map((p) => p.message), audited, 5).map((line) => `  ${line}`));
      const shown = finding.invariantProblems.find((p) => p.timeline);
      lines.push(...(shown ? [`  the ops it names (${shown.message}):`, ...timelineSection(shown).slice(1)] : []), '');
    }
    // A bound only where there is a verdict: a broken run's ops say nothing about the race.
    if (finding.verdict === 'holds' || finding.verdict === 'no-evidence') {
      const absorbed =
        finding.retries > 0
          ? ` It absorbed ${plural(finding.retries, 'refusal')} (a key taken, or a transaction refused) by retrying; no caller saw them.`
          : '';
      lines.push(`${name}: ${holdsBound(finding)}.${absorbed}`);
      const advice = fewWindowsAdvice(finding);
      lines.push(...(advice ? [`  ${advice}.`] : []), '');
    }
    const exhausted = finding.outcomes.key_space_exhausted;
    if (exhausted > 0) {
      lines.push(
        `${name}: ${plural(exhausted, 'op')} found no free key within the draw cap: the key space is too small for this load (capacity, not a race; they do not count as violations).`,
        '',
      );
    }
    const harness = finding.firstHarnessFailure;
    if (harness) lines.push(`HARNESS FAILURE, not a race (${describeSample(harness, at)}):`, ...errorLines(harness), ...tracebackTail(harness), '');
    for (const failure of finding.workerFailures) {
      lines.push(`HARNESS FAILURE: ${name}: ${describeWorkerFailure(failure)}`);
      if (failure.error.stack) lines.push(...failure.error.stack.split('\n').slice(1, 8));
      lines.push('');
    }
  }
  return lines;
}

