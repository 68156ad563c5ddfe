/**
 * junit.xml: one testcase per scenario (and per swept value, or per database of a list), for the
 * JUnit views of CI systems.
 * A verdict that does not match its scenario's expectation is a failure whose message is the
 * finding; a run that could not judge is an error; an unsafe scenario that reproduced passes.
 */
import { allFindings, type ReportInput } from '../harness/report-input.ts';
import { verdictSentence } from './markdown.ts';
import { escapeXml } from './xml.ts';
import { rerunProperties } from './rerun-words.ts';

export function renderJunit(input: ReportInput): string {
  const cases = allFindings(input).map(({ finding, point }) => {
    const at = input.sweep ? ` [${input.sweep.parameter}=${point.value}]` : point.database ? ` [${point.database.label}]` : '';
    const name = `${finding.property} (expected ${finding.scenario.expect})${at}`;
    const seconds = (finding.elapsedMs / 1000).toFixed(3);
    const sentence = verdictSentence(finding).replace(/\*\*/g, '');
    const harness = finding.workerFailures[0]?.error.message ?? finding.firstHarnessFailure?.error.message;
    let body = '';
    if (harness !== undefined) {
      body = `<error message="${escapeXml(`harness failure, no verdict: ${harness}`)}" type="HarnessFailure"/>`;
    } else if (!finding.matchesExpectation) {
      const detail = finding.firstViolation ? `${finding.firstViolation.error.code ?? finding.firstViolation.outcome}: ${finding.firstViolation.error.message}` : '';
      body = `<failure message="${escapeXml(sentence)}" type="VerdictMismatch">${escapeXml(detail)}</failure>`;
    }
    return {
      failed: body.startsWith('<failure'),
      errored: body.startsWith('<error'),
      seconds: finding.elapsedMs / 1000,
      xml: `    <testcase classname="racelab.${escapeXml(finding.scenario.name)}" name="${escapeXml(name)}" time="${seconds}">${body}<system-out>${escapeXml(sentence)}</system-out></testcase>`,
    };
  });
  // A scenario the database lacks what it needs for is a skipped testcase, with the reason.
  for (const point of input.points) {
    for (const s of point.skipped) {
      const on = point.database ? ` [${point.database.label}]` : '';
      cases.push({
        failed: false,
        errored: false,
        seconds: 0,
        xml: `    <testcase classname="racelab.${escapeXml(s.name)}" name="${escapeXml(`${s.name}${on}`)}" time="0.000"><skipped message="${escapeXml(s.reason)}"/></testcase>`,
      });
    }
  }
  const skipped = input.points.reduce((sum, point) => sum + point.skipped.length, 0);
  const failures = cases.filter((c) => c.failed).length;
  const errors = cases.filter((c) => c.errored).length;
  const time = cases.reduce((sum, c) => sum + c.seconds, 0).toFixed(3);
  const counts = `tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}"`;
  const properties = [
    ...rerunProperties(input),
    ['database', (input.databases ?? [input.database]).map((db) => `${db.product} ${db.version} (${db.kind})`).join(', ')],
    ['node', input.nodeVersion],
    ['seed', String(input.config.seed)],
  ]
    .map(([name, value]) => `      <property name="${escapeXml(name!)}" value="${escapeXml(value!)}"/>`)
    .join('\n');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="racelab" ${counts} time="${time}">`,
    `  <testsuite name="racelab" ${counts} time="${time}" timestamp="${input.startedAt.toISOString().slice(0, 19)}" hostname="localhost">`,
    '    <properties>',
    properties,
    '    </properties>',
    ...cases.map((c) => c.xml),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
