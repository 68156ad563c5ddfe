/**
 * report.md: a page to paste into a GitHub, GitLab or Trac issue as it is. A verdict sentence per
 * scenario, the table, what was run and how to rerun it, the evidence of each kind of violation
 * with the database's own words and a timeline of the colliding ops, and what chance predicts.
 */
import type { Finding } from '../harness/finding.ts';
import type { ScenarioSearch } from '../harness/explore/search-scenarios.ts';
import { allFindings, evidenceFindings, showsEvidence, type ReportInput } from '../harness/report-input.ts';
import type { OpSample, TimelineEntry } from '../harness/contract/results.ts';
import type { ExploreRun } from '../harness/explore/explore-run.ts';
import { analyticLines, describeSample, errorLines, tracebackLines } from './evidence-lines.ts';
import { amplifiedWords, count, firstOf, plural, rateWithInterval, concurrency, isolationWords, sweptAt } from './format.ts';
import { timelineLines } from './timeline-lines.ts';
import { interleavingLines, outcomesLine } from './interleaving.ts';
import { notInterleaved, searchReplayCommand } from './explore-terminal.ts';
import { fewWindowsAdvice, holdsBound, WINDOW_DEFINITION } from './windows-words.ts';
import { SEED_FIXES } from './seed-words.ts';
import { commandLineWords, getRacelab, inReportDir, racelabSource, rerunCommand, rerunPlace, scenarioFileLines } from './rerun-words.ts';
import { cellWords, databaseHeading, matrixCells } from './matrix.ts';
import { stressCheckOf, unpassedChecks, type StressCheck } from '../harness/verdict.ts';
import { cellVerdict, checkText, overallWords, rateCell, shortCheckWords, verdictLabel } from './check-words.ts';
import { OUTCOME_WORDS } from './outcome-words.ts';
import { rawHtmlLines } from './markdown-to-html.ts';

/** A code block around `lines`, its fence longer than any run of backticks they hold (a program's traceback may quote one). */
const fence = (lines: readonly string[]) => {
  const longest = Math.max(2, ...lines.map((line) => Math.max(0, ...[...line.matchAll(/`+/g)].map((run) => run[0].length))));
  const ticks = '`'.repeat(longest + 1);
  return [`${ticks}text`, ...lines, ticks];
};
/** Table cells must not break the table. */
const cell = (text: string) => text.replace(/\|/g, '\\|');

/**
 * One scenario's stress run in a sentence: what it showed, whether that is what it expects, and
 * what the gate's search of the same scenario added to it.
 */
export function verdictSentence(check: StressCheck): string {
  const { finding } = check;
  const name = `**${finding.scenario.name}**`;
  const declared = `it is expected ${finding.scenario.expect} (${finding.scenario.why})`;
  const asExpected = `as expected (${finding.scenario.expect}: ${finding.scenario.why})`;
  if (finding.verdict === 'broken') return `${name} **broke, no verdict on the race**: ${finding.brokenBy}; ${declared}.`;
  const settled = check.settledBy;
  if (settled?.result.failed) return `${name} did not show the race under stress (${holdsBound(finding)}); the search of its interleavings reproduced it (below), ${asExpected}.`;
  if (settled) return `${name} showed no race window under stress (${holdsBound(finding)}); the search interleaved its statements in ${plural(settled.result.failed ? 0 : settled.result.contested, 'input')} and found no violation (below), ${asExpected}.`;
  if (finding.verdict === 'no-evidence') return `${name} **showed no evidence either way**: ${holdsBound(finding)}; ${declared}.`;
  const expectation = check.verdict === 'pass' ? asExpected : `**not as expected**: ${declared}`;
  if (finding.verdict === 'holds') {
    const advice = fewWindowsAdvice(finding);
    const broke = finding.scenario.expect === 'safe' && check.search?.result.failed ? ' **But the search of its interleavings found a counterexample (below): it is not safe.**' : '';
    return `${name} holds: ${holdsBound(finding)}; ${expectation}.${advice ? ` Note: ${advice}.` : ''}${broke}`;
  }
  const o = finding.outcomes;
  const kinds = [
    o.integrity_error && `${count(o.integrity_error)} ${OUTCOME_WORDS.integrity_error}`,
    o.serialization_failure && plural(o.serialization_failure, OUTCOME_WORDS.serialization_failure),
    o.deadlock && plural(o.deadlock, OUTCOME_WORDS.deadlock),
    o.lock_timeout && plural(o.lock_timeout, OUTCOME_WORDS.lock_timeout),
    o.overwritten && `${plural(o.overwritten, 'session')} silently overwritten`,
    o.lost && `${plural(o.lost, 'session')} lost`,
    o.invariant_violated && `${plural(o.invariant_violated, 'violation')} of its invariant found by its audit`,
  ].filter(Boolean);
  return `${name} reproduced the race: ${kinds.join(', ')} in ${plural(finding.ops, 'op')}, a violation rate of ${rateWithInterval(finding.rate)} per op and ${rateWithInterval(finding.windowRate)} per race window (${plural(finding.windows, 'window')}; 95% Wilson intervals); ${expectation}.`;
}

/**
 * report.html's pictures of a race, each placed after the text it draws: a timeline of the ops
 * around a violation, a counterexample's interleaving. Each returns a block of HTML ('' for none),
 * given what it shows (`naive-save: first IntegrityError`). report.md has none.
 */
export interface EvidencePictures {
  timeline(subject: string, timeline: readonly TimelineEntry[]): string;
  interleaving(subject: string, run: ExploreRun): string;
}

export function renderMarkdown(input: ReportInput, pictures?: EvidencePictures): string {
  const findings = allFindings(input);
  const lines: string[] = [`# racelab report: ${title(input)}`, ''];
  if (input.interrupted) lines.push('> **Interrupted** (Ctrl-C): the figures cover only the ops that ran.', '');
  if (input.failure) {
    const notRun = input.databasesNotRun ? ` ${input.databasesNotRun.join(', ')} did not run.` : '';
    lines.push(`> **The run broke**: ${input.failure}. No verdict below can be trusted; what came after it did not run.${notRun}`, '');
  }
  lines.push(...checksSection(input));
  if (input.databases) lines.push(...matrixGrid(input), '');
  for (const { finding, point } of findings) {
    const at = input.sweep ? `at ${input.sweep.parameter} = ${point.value}: ` : point.database ? `on ${point.database.label}: ` : '';
    lines.push(`- ${at}${verdictSentence(stressCheckOf(input.decision, finding))}`);
  }
  for (const point of input.points) for (const s of point.skipped) lines.push(`- **${s.name}** skipped on ${(point.database ?? input.database).label}: ${s.reason}.`);
  lines.push('', `Property checked: *${findings[0]?.finding.property ?? 'a new session is saved without error'}*.`, '');
  lines.push(...table(input), '', WINDOW_DEFINITION, '');
  lines.push(...whatWasRun(input), '');
  lines.push(...searchSection(input, pictures));
  lines.push('## Evidence', '');
  const evidence = input.databases
    ? input.points.flatMap((point) => point.findings.flatMap((finding) => evidenceOf(finding, point.database!.product, pictures, ` on ${point.database!.label}`)))
    : evidenceFindings(input).flatMap(({ finding, point }) => evidenceOf(finding, input.database.product, pictures, sweptAt(input, point)));
  const searched = (input.searches ?? []).some((search) => search.result.failed);
  const none = searched ? 'No violation occurred under stress; the search\'s counterexamples are above, under "Interleavings searched".' : 'No violation occurred, so there is no example to show.';
  lines.push(...(evidence.length > 0 ? evidence : [none, '']));
  const first = input.points[0];
  // Chance's prediction is about session keys: a scenario that saves none gets none of it.
  // An amplified run has no prediction of chance (report-input.ts).
  if (first?.expectation && findings.some(({ finding }) => finding.savesSessions)) lines.push('## What chance predicts', '', ...fence(analyticLines(first.expectation)), '');
  return `${lines.join('\n')}\n`;
}

/**
 * The overall verdict, then what it rests on: the checks that did not pass, or when all did, what
 * each scenario showed.
 */
function title(input: ReportInput): string {
  // A run that broke or was interrupted is named by its cause alone.
  if (input.decision.verdict === 'broken' || input.decision.verdict === 'interrupted') return overallWords(input);
  const unpassed = unpassedChecks(input.decision);
  if (unpassed.length > 0) return `${overallWords(input)}: ${[...new Set(unpassed.map(shortCheckWords))].join('; ')}`;
  // Every check passed: what each scenario showed, by the stress run or by the search that settled it.
  const shown = (check: StressCheck) =>
    check.settledBy ? (check.settledBy.result.failed ? 'reproduced by the search' : 'held under the search') : check.finding.verdict === 'reproduced' ? 'reproduced' : 'held';
  const stress = input.decision.checks.filter((check): check is StressCheck => check.kind === 'stress');
  const groups = new Map<string, Set<string>>();
  for (const check of stress) groups.set(shown(check), (groups.get(shown(check)) ?? new Set()).add(check.scenario));
  const parts = [...groups].map(([words, names]) => `${[...names].join(', ')} ${words}`);
  return parts.length > 0 ? `${overallWords(input)}: ${parts.join('; ')}` : overallWords(input);
}

/** Every check with its verdict: what the exit code was decided from. */
function checksSection(input: ReportInput): string[] {
  const { checks } = input.decision;
  if (checks.length === 0) return [];
  return [...checks.map((check) => `- **${verdictLabel(check.verdict)}** ${checkText(check, input).split('\n')[0]}`), ''];
}

/** Scenarios down, databases across: each cell's verdict, violation rate with its interval, and dominant violation. */
function matrixGrid(input: ReportInput): string[] {
  const databases = input.databases ?? [input.database];
  const cells = matrixCells(input);
  const names = [...new Set(cells.map((c) => c.scenario))];
  const header = ['scenario', ...databases.map(databaseHeading)];
  const rows = names.map((name) => [name, ...databases.map((db) => cellWords(cells.find((c) => c.scenario === name && c.database.label === db.label)!))]);
  return [
    `| ${header.map(cell).join(' | ')} |`,
    `|${header.map(() => ' --- ').join('|')}|`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
    '',
    'Each cell: the verdict, the violation rate per op with its 95% Wilson interval, and the violation most ops ended in.',
  ];
}

function table(input: ReportInput): string[] {
  // With a sweep, the row whose run the evidence below comes from says so.
  const shown = new Set(evidenceFindings(input).flatMap(({ finding }) => (showsEvidence(finding) ? [finding] : [])));
  const rows = allFindings(input).map(({ finding: f, point }) => [
    f.scenario.name,
    ...(input.sweep ? [`${point.value}${shown.has(f) ? ' (evidence below)' : ''}`] : []),
    ...(input.databases ? [point.database!.label] : []),
    f.scenario.expect,
    f.scenario.isolation,
    count(f.ops),
    count(f.outcomes.ok),
    count(f.outcomes.integrity_error),
    count(f.silentViolations),
    count(f.ops - f.outcomes.ok - f.outcomes.integrity_error - f.silentViolations),
    count(f.retries),
    count(f.windows),
    rateCell(f, 'rate'),
    rateCell(f, 'windowRate'),
    cellVerdict(stressCheckOf(input.decision, f)),
  ]);
  const header = [
    'scenario',
    ...(input.sweep ? [input.sweep.parameter] : []),
    ...(input.databases ? ['database'] : []),
    'expected',
    'isolation',
    'ops',
    'ok',
    OUTCOME_WORDS.integrity_error,
    'silent violations',
    'other failures',
    'refused & retried',
    'race windows',
    'violations per op [95% CI]',
    'per race window [95% CI]',
    'verdict',
  ];
  return [`| ${header.join(' | ')} |`, `|${header.map(() => ' --- ').join('|')}|`, ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`)];
}

function whatWasRun(input: ReportInput): string[] {
  const c = input.config;
  const keys = c.keys === 'shrunk' ? `${plural(c.keySpace, 'key')} (shrunk), occupancy ${c.occupancy}` : `${c.keys} (36^32 keys)`;
  const place = rerunPlace(input.scenarioFiles);
  return [
    '## What was run',
    '',
    `- ${input.tool.name} ${input.tool.version} on Node ${input.nodeVersion}, ${input.startedAt.toISOString()}`,
    `- ${racelabSource(input.tool)}`,
    ...(input.commandLine ? [`- command as given: \`${commandLineWords(input.tool.name, input.commandLine)}\``] : []),
    ...scenarioFileLines(input.scenarioFiles).map((line) => `- ${line}`),
    ...(input.databases ?? [input.database]).map((db) => `- ${db.product} ${db.version} (${db.kind}; ${db.reason})`),
    `- ${concurrency(input)}, ${keys}, ${isolationWords(input)}, up to ${plural(c.maxAttempts, 'key draw')} per op, seed ${c.seed}`,
    ...(input.sweep ? [`- sweep: ${input.sweep.parameter} = ${input.sweep.values.join(', ')}`] : []),
    `- schedule: ${input.schedule}`,
    ...(amplifiedWords(c) ? [`- ${amplifiedWords(c)!}`] : []),
    '',
    `Get racelab: ${getRacelab(input.tool, input.scenarioFiles)}.`,
    '',
    `Rerun it${place ? ` ${place}` : ''} ${SEED_FIXES}:`,
    '',
    '```sh',
    rerunCommand(input),
    '```',
  ];
}

/** A command scenario's program's own account of a failed op (Django's traceback), whole: the evidence a maintainer asks for. */
function programAccount(sample: OpSample): string[] {
  const account = tracebackLines(sample).slice(1);
  return account.length === 0 ? [] : ['What the program raised, in its own words:', '', ...fence(account.map((line) => line.slice(4))), ''];
}

/**
 * A finding's evidence: the error that is not a race, the first loud violation with its timeline,
 * what its audit found, the first silent violation; each under a heading of level `heading`, each
 * timeline followed by its picture when `pictures` draws them (report.html).
 */
export function evidenceOf(finding: Finding, product: string, pictures: EvidencePictures | undefined, on = '', heading = '###'): string[] {
  const lines: string[] = [];
  const broken = finding.verdict === 'broken' ? finding.firstHarnessFailure : undefined;
  if (broken) {
    lines.push(`${heading} ${finding.scenario.name}${on}: the error that is not a race, as ${product} reported it`, '', `${describeSample(broken)}.`, '');
    lines.push(...fence(errorLines(broken).map((line) => line.trimStart())), '', ...programAccount(broken));
  }
  const loud = finding.firstLoudViolation;
  if (loud) {
    const kind = OUTCOME_WORDS[loud.outcome];
    lines.push(`${heading} ${finding.scenario.name}${on}: first ${kind}, as ${product} reported it`, '', `${describeSample(loud)}.`, '');
    lines.push(...fence(errorLines(loud).map((line) => line.trimStart())), '');
    lines.push(...programAccount(loud));
    lines.push(...timeline(loud, `${finding.scenario.name}${on}: first ${kind}`, pictures));
  }
  const audited = finding.outcomes.invariant_violated;
  if (audited > 0) {
    lines.push(`${heading} ${finding.scenario.name}${on}: what its audit found, with no error raised`, '');
    lines.push(`Its audit found ${plural(audited, 'violation')} of its invariant:`, '');
    lines.push(...fence(firstOf(finding.invariantProblems.map((p) => p.message), audited)), '');
    const shown = finding.invariantProblems.find((p) => p.timeline);
    if (shown) lines.push(`The ops named in "${shown.message}":`, '', ...timeline(shown, `${finding.scenario.name}${on}: the ops its audit named`, pictures));
  }
  const silent = finding.firstSilentViolation;
  if (silent?.audit) {
    lines.push(`${heading} ${finding.scenario.name}${on}: first ${silent.outcome} session, with no error raised`, '', `${describeSample(silent)}.`, '');
    lines.push(
      ...fence([
        `session key: ${silent.key}`,
        `op wrote:    ${silent.audit.wrote}`,
        `row holds:   ${silent.audit.found ?? '(no row: gone though its owner never deleted it)'}`,
      ]),
      '',
      ...timeline(silent, `${finding.scenario.name}${on}: first ${silent.outcome} session`, pictures),
    );
  }
  return lines;
}

function timeline(sample: { timeline?: readonly TimelineEntry[] }, subject: string, pictures: EvidencePictures | undefined): string[] {
  if (!sample.timeline) return ['(No timeline: this op came after the statements the workers record with their timings.)', ''];
  return [
    'Timeline of the ops on that key: each statement from when it was sent to when its result came back, in milliseconds on one clock for every worker, ordered by start:',
    '',
    ...fence(timelineLines(sample.timeline)),
    '',
    ...rawHtmlLines(pictures?.timeline(subject, sample.timeline) ?? ''),
  ];
}

/**
 * A search's counterexample: its interleaving with what each step returned, its outcomes, and the
 * command that replays it in the report's directory. Nothing for a search that found none.
 */
export function counterexampleOf(search: ScenarioSearch, scenarioFiles: ReportInput['scenarioFiles'], pictures?: EvidencePictures): string[] {
  const { result } = search;
  if (!result.failed) return [];
  return [
    ...fence([...interleavingLines(result.run), `outcomes: ${outcomesLine(result.run)}`]),
    '',
    ...rawHtmlLines(pictures?.interleaving(`the counterexample of ${search.scenario}${search.database === undefined ? '' : ` on ${search.database}`}`, result.run) ?? ''),
    '```sh',
    searchReplayCommand(inReportDir(search.argument, scenarioFiles), result.seed, result.path),
    '```',
  ];
}

/** The gate's search of the interleavings, scenario by scenario. */
function searchSection(input: ReportInput, pictures: EvidencePictures | undefined): string[] {
  if (!input.searches) return [];
  const lines = ['## Interleavings searched', ''];
  for (const search of input.searches) {
    const { result } = search;
    const budget = `up to ${plural(search.budget.runs, 'input')} or ${search.budget.timeLimitMs / 1000} s`;
    const name = `**${search.scenario}**${search.database === undefined ? '' : ` on ${search.database}`}`;
    if (!result.failed) {
      const capped = result.timedOut ? '; the time cap stopped it' : '';
      if (result.contested === 0) lines.push(`- ${name}: ${notInterleaved(result.numRuns)} (budget ${budget}${capped}; seed ${result.seed}).`);
      else lines.push(`- ${name}: no counterexample in ${plural(result.numRuns, 'input')} (${plural(result.interleavings, 'distinct interleaving')}; budget ${budget}${capped}; seed ${result.seed}).`);
      continue;
    }
    lines.push(`- ${name}: a counterexample after ${plural(result.numRuns, 'input')}, shrunk ${plural(result.numShrinks, 'time')} (budget ${budget}):`, '');
    lines.push(...counterexampleOf(search, input.scenarioFiles, pictures));
  }
  if (input.searches.length === 0) lines.push('Every scenario expected unsafe reproduced under stress; none expected safe: nothing was left to search.');
  return [...lines, ''];
}
