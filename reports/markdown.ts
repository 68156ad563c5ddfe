/**
 * report.md: a page to paste into a GitHub, GitLab or Trac issue as it is. A verdict sentence per
 * scenario, the table, what was run and how to rerun it, the evidence of each kind of violation
 * with the database's own words and a timeline of the colliding ops, and what chance predicts.
 */
import type { Finding } from '../harness/finding.ts';
import { allFindings, evidenceFindings, type ReportInput } from '../harness/report-input.ts';
import type { OpSample } from '../harness/types.ts';
import { analyticLines, describeSample, errorLines } from './evidence-lines.ts';
import { count, percent, rateWithInterval } from './format.ts';
import { timelineLines } from './timeline-lines.ts';

const fence = (lines: readonly string[]) => ['```text', ...lines, '```'];
/** Table cells must not break the table. */
const cell = (text: string) => text.replace(/\|/g, '\\|');

export function verdictSentence(finding: Finding): string {
  const name = `**${finding.scenario.name}**`;
  const expectation = finding.matchesExpectation
    ? `as expected (${finding.scenario.expect}: ${finding.scenario.why})`
    : `**not as expected**: it is expected ${finding.scenario.expect} (${finding.scenario.why})`;
  if (finding.verdict === 'holds') {
    return `${name} holds: no violation in ${count(finding.ops)} ops, so its violation rate is below ${percent(finding.rate.high)} at 95% confidence; ${expectation}.`;
  }
  const kinds = [
    finding.outcomes.integrity_error && `${count(finding.outcomes.integrity_error)} IntegrityError`,
    finding.outcomes.serialization_failure && `${count(finding.outcomes.serialization_failure)} serialization failures`,
    finding.outcomes.deadlock && `${count(finding.outcomes.deadlock)} deadlocks`,
    finding.outcomes.overwritten && `${count(finding.outcomes.overwritten)} sessions silently overwritten`,
    finding.outcomes.lost && `${count(finding.outcomes.lost)} sessions lost`,
    finding.outcomes.invariant_violated && `${count(finding.outcomes.invariant_violated)} violations of its invariant found by its audit`,
  ].filter(Boolean);
  return `${name} reproduced the race: ${kinds.join(', ')} in ${count(finding.ops)} ops, a violation rate of ${rateWithInterval(finding.rate)} (95% Wilson interval); ${expectation}.`;
}

export function renderMarkdown(input: ReportInput): string {
  const findings = allFindings(input);
  const lines: string[] = [`# racelab report: ${summary(input)}`, ''];
  if (input.interrupted) lines.push('> **Interrupted** (Ctrl-C): the figures cover only the ops that ran.', '');
  if (input.failure) lines.push(`> **The run broke and stopped early**: ${input.failure}. No verdict below can be trusted.`, '');
  for (const { finding, point } of findings) lines.push(`- ${input.sweep ? `at ${input.sweep.parameter} = ${point.value}: ` : ''}${verdictSentence(finding)}`);
  lines.push('', `Property checked: *${findings[0]?.finding.property ?? 'a new session is saved without error'}*.`, '');
  lines.push(...table(input), '');
  lines.push(...whatWasRun(input), '');
  lines.push('## Evidence', '');
  const evidence = evidenceFindings(input).flatMap(evidenceOf);
  lines.push(...(evidence.length > 0 ? evidence : ['No violation occurred, so there is no example to show.', '']));
  const first = input.points[0];
  if (first) lines.push('## What chance predicts', '', ...fence(analyticLines(first.expectation)), '');
  return `${lines.join('\n')}\n`;
}

function summary(input: ReportInput): string {
  const findings = allFindings(input).map(({ finding }) => finding);
  const reproduced = [...new Set(findings.filter((f) => f.verdict === 'reproduced').map((f) => f.scenario.name))];
  const held = [...new Set(findings.filter((f) => f.verdict === 'holds').map((f) => f.scenario.name))];
  const parts = [reproduced.length > 0 && `${reproduced.join(', ')} reproduced`, held.length > 0 && `${held.join(', ')} held`].filter(Boolean);
  return parts.join('; ') || 'nothing ran';
}

function table(input: ReportInput): string[] {
  const rows = allFindings(input).map(({ finding: f, point }) => [
    f.scenario.name,
    ...(input.sweep ? [String(point.value)] : []),
    f.scenario.expect,
    f.scenario.isolation,
    count(f.ops),
    count(f.outcomes.ok),
    count(f.outcomes.integrity_error),
    count(f.silentViolations),
    count(f.ops - f.outcomes.ok - f.outcomes.integrity_error - f.silentViolations),
    count(f.retries),
    rateWithInterval(f.rate),
    `${f.verdict}${f.matchesExpectation ? '' : ' (not as expected)'}`,
  ]);
  const header = [
    'scenario',
    ...(input.sweep ? [input.sweep.parameter] : []),
    'expected',
    'isolation',
    'ops',
    'ok',
    'IntegrityError',
    'silent violations',
    'other failures',
    'refused & retried',
    'violation rate [95% CI]',
    'verdict',
  ];
  return [`| ${header.join(' | ')} |`, `|${header.map(() => ' --- ').join('|')}|`, ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`)];
}

function whatWasRun(input: ReportInput): string[] {
  const c = input.config;
  const keys = c.keys === 'shrunk' ? `${count(c.keySpace)} keys (shrunk), occupancy ${c.occupancy}` : `${c.keys} (36^32 keys)`;
  return [
    '## What was run',
    '',
    `- ${input.tool.name} ${input.tool.version} on Node ${input.nodeVersion}, ${input.startedAt.toISOString()}`,
    `- PostgreSQL ${input.database.version} (${input.database.kind}; ${input.database.reason})`,
    `- ${c.workers} worker threads × ${count(c.opsPerWorker)} ops, ${keys}, isolation ${c.isolation}, up to ${count(c.maxDraws)} key draws per op, seed ${c.seed}`,
    ...(input.sweep ? [`- sweep: ${input.sweep.parameter} = ${input.sweep.values.join(', ')}`] : []),
    `- schedule: ${input.schedule}`,
    '',
    'Rerun it (the same keys are drawn; how threads interleave differs from run to run):',
    '',
    '```sh',
    input.replayCommand,
    '```',
  ];
}

function evidenceOf(finding: Finding): string[] {
  const lines: string[] = [];
  const loud = finding.firstLoudViolation;
  if (loud) {
    const kind = loud.outcome === 'integrity_error' ? 'IntegrityError' : loud.outcome;
    lines.push(`### ${finding.scenario.name}: first ${kind}, as PostgreSQL reported it`, '', `${describeSample(loud)}.`, '');
    lines.push(...fence(errorLines(loud).map((line) => line.trimStart())), '', ...timeline(loud));
  }
  if (finding.invariantProblems.length > 0) {
    lines.push(`### ${finding.scenario.name}: what its audit found, with no error raised`, '');
    lines.push(...fence(finding.invariantProblems.map((p) => p.message)), '');
  }
  const silent = finding.firstSilentViolation;
  if (silent?.audit) {
    lines.push(`### ${finding.scenario.name}: first ${silent.outcome} session, with no error raised`, '', `${describeSample(silent)}.`, '');
    lines.push(
      ...fence([
        `session key: ${silent.key}`,
        `op wrote:    ${silent.audit.wrote}`,
        `row holds:   ${silent.audit.found ?? '(no row: gone though its owner never deleted it)'}`,
      ]),
      '',
      ...timeline(silent),
    );
  }
  return lines;
}

function timeline(sample: OpSample): string[] {
  if (!sample.timeline) return ['(No timeline: this op came after the statements the workers record with their timings.)', ''];
  return ['Timeline of the ops on that key, in milliseconds from the first step shown:', '', ...fence(timelineLines(sample.timeline)), ''];
}
