/**
 * The gate's GitHub Actions job summary (the file `GITHUB_STEP_SUMMARY` names): the decision the
 * exit code comes from, in GitHub-flavoured Markdown: the overall verdict, one row per check, and
 * the first failing check's evidence as report.md renders it, with the rerun command. It renders
 * the decision (harness/verdict.ts) and decides nothing.
 */
import { databaseOf, type ReportInput } from '../harness/report-input.ts';
import type { Check } from '../harness/verdict.ts';
import { checkReason, checkSubject, overallWords, rateCell, shortCheckWords, verdictLabel } from './check-words.ts';
import { amplifiedWords, count, plural, sweptAt } from './format.ts';
import { counterexampleOf, evidenceOf } from './markdown.ts';
import { rerunCommand, rerunPlace } from './rerun-words.ts';
import { SEED_FIXES } from './seed-words.ts';
import { truncateMarkdown } from './truncate-markdown.ts';

/**
 * GitHub shows at most 1 MiB of summary per step, and the other steps of the job write to the same
 * page: the gate keeps to a small share of it. report.md holds the rest.
 */
export const SUMMARY_LIMIT_BYTES = 64 * 1024;

/** Table cells must not break the table. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/**
 * The summary, from a blank line (what an earlier step appended may not end in one) to a final
 * newline, within `limit` bytes of UTF-8. `reportDir`: where the full reports are, when written.
 */
export function renderGithubSummary(input: ReportInput, reportDir: string | undefined, limit = SUMMARY_LIMIT_BYTES): string {
  const on = (input.databases ?? [input.database]).map((db) => `${db.product} ${db.version} (${db.kind})`).join(', ');
  const amplified = amplifiedWords(input.config);
  const lines = [
    `## racelab gate: ${cell(overallWords(input))}`,
    '',
    `${on} · seed ${input.config.seed}`,
    ...(amplified ? ['', amplified] : []),
    '',
    ...checksTable(input),
    ...skippedLines(input),
    ...firstFailure(input),
  ];
  // The rerun and where the reports are stay whole, after any cut: what the reader acts on.
  const rerun = `${rerunLines(input, reportDir).join('\n')}\n`;
  const where = reportDir === undefined ? 'report.md' : `report.md in \`${reportDir}\``;
  const note = `> Cut to ${limit % 1024 === 0 ? `${limit / 1024} KiB` : `${limit} bytes`}, to leave room for the job's other steps: ${where} has the whole report.`;
  return truncateMarkdown(`\n${lines.join('\n')}\n`, limit - Buffer.byteLength(rerun), note) + rerun;
}

/** Every check the decision holds, in its order, with what it rests on. */
function checksTable(input: ReportInput): string[] {
  const { checks } = input.decision;
  if (checks.length === 0) return [];
  const header = ['check', 'verdict', 'violations per op [95% CI]', 'per race window [95% CI]', 'race windows', 'what it showed'];
  const row = (check: Check) => {
    const stress = check.kind === 'stress' ? check.finding : undefined;
    return [
      checkSubject(check, input),
      check.verdict === 'pass' ? verdictLabel(check.verdict) : `**${verdictLabel(check.verdict)}**`,
      stress ? rateCell(stress, 'rate') : '-',
      stress ? rateCell(stress, 'windowRate') : '-',
      stress ? count(stress.windows) : '-',
      // A search's counterexample spans lines: the table has its first, without the colon that led into the rest.
      checkReason(check, input).split('\n')[0]!.replace(/:$/, ''),
    ];
  };
  return [`| ${header.join(' | ')} |`, `|${header.map(() => ' --- ').join('|')}|`, ...checks.map((check) => `| ${row(check).map(cell).join(' | ')} |`), ''];
}

function skippedLines(input: ReportInput): string[] {
  const skipped = input.points.flatMap((point) => point.skipped.map((s) => `- ${s.name} skipped on ${(point.database ?? input.database).label}: ${s.reason}.`));
  return skipped.length === 0 ? [] : [...skipped, ''];
}

/**
 * The first check that failed, else the first that broke: its evidence as report.md shows it (the
 * database's own error and the timeline, or the search's interleaving and replay command).
 */
function firstFailure(input: ReportInput): string[] {
  const { checks } = input.decision;
  const first = checks.find((check) => check.verdict === 'fail') ?? checks.find((check) => check.verdict === 'broken');
  if (first === undefined) return [];
  const others = checks.filter((check) => check !== first && check.verdict !== 'pass').length;
  const lines = [
    `### First ${first.verdict === 'fail' ? 'failing' : 'broken'} check: ${cell(shortCheckWords(first))}`,
    '',
    `**${verdictLabel(first.verdict)}** ${checkSubject(first, input)}: ${checkReason(first, input).split('\n')[0]}`,
    '',
  ];
  switch (first.kind) {
    case 'stress':
      lines.push(...evidenceOf(first.finding, databaseOf(input, first.database).product, undefined, `${sweptAt(input, { value: first.sweepValue })}${first.database === undefined ? '' : ` on ${first.database}`}`, '####'));
      break;
    case 'search':
      lines.push(...counterexampleOf(first.search, input.scenarioFiles), '');
      break;
    case 'baseline':
      break;
  }
  if (others > 0) lines.push(`${plural(others, 'other check')} did not pass: report.md has the evidence of each.`, '');
  return lines;
}

function rerunLines(input: ReportInput, reportDir: string | undefined): string[] {
  const place = rerunPlace(input.scenarioFiles);
  return [
    `Rerun it${place ? ` ${place}` : ''} ${SEED_FIXES}:`,
    '',
    '```sh',
    rerunCommand(input),
    '```',
    ...(reportDir === undefined ? [] : ['', `Reports (report.md, report.json, junit.xml, report.html): \`${reportDir}\``]),
  ];
}
