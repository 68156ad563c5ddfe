/**
 * junit.xml, for the JUnit views of CI systems: one testcase per check of the decision (each
 * scenario's stress run per database or swept value, each search, each baseline comparison), one
 * skipped testcase per scenario a database lacked what it needs for, and one for the run itself
 * when it broke or was interrupted outside any check. A check that failed, or has no evidence, is a
 * `<failure>` holding its counterexample or first violation; a broken one an `<error>`.
 */
import type { ReportInput } from '../harness/report-input.ts';
import { verdictOutsideChecks, type Check } from '../harness/verdict.ts';
import { checkText, overallWords } from './check-words.ts';
import { verdictSentence } from './markdown.ts';
import { escapeXml } from './xml.ts';
import { amplifiedWords } from './format.ts';
import { rerunProperties } from './rerun-words.ts';

interface TestCase {
  failed: boolean;
  errored: boolean;
  seconds: number;
  xml: string;
}

export function renderJunit(input: ReportInput): string {
  const cases: TestCase[] = input.decision.checks.map((check) => checkCase(check, input));
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
  // A run that broke, was interrupted or checked nothing outside every check still says so in the JUnit view.
  const outside = verdictOutsideChecks(input.decision);
  if (outside === 'broken' || outside === 'interrupted') {
    const type = outside === 'broken' ? 'RunBroken' : 'Interrupted';
    cases.push({
      failed: false,
      errored: true,
      seconds: 0,
      xml: `    <testcase classname="racelab" name="the run" time="0.000"><error message="${escapeXml(overallWords(input))}" type="${type}"/></testcase>`,
    });
  }
  if (outside === 'no-evidence') {
    cases.push({
      failed: true,
      errored: false,
      seconds: 0,
      xml: `    <testcase classname="racelab" name="the run" time="0.000"><failure message="${escapeXml(overallWords(input))}" type="NoEvidence"/></testcase>`,
    });
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
    ...(amplifiedWords(input.config) ? [['amplified', amplifiedWords(input.config)!]] : []),
    ['verdict', overallWords(input)],
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

const TYPES = { fail: 'VerdictMismatch', 'no-evidence': 'NoEvidence', broken: 'HarnessFailure' } as const;

function checkCase(check: Check, input: ReportInput): TestCase {
  const text = checkText(check, input);
  const [headline] = text.split('\n');
  const { classname, name, seconds, out } = caseOf(check, input);
  let body = '';
  if (check.verdict === 'broken') {
    body = `<error message="${escapeXml(`no verdict: ${headline}`)}" type="${TYPES.broken}">${escapeXml(detailOf(check))}</error>`;
  } else if (check.verdict !== 'pass') {
    body = `<failure message="${escapeXml(headline!)}" type="${TYPES[check.verdict]}">${escapeXml(detailOf(check) || text)}</failure>`;
  }
  return {
    failed: check.verdict === 'fail' || check.verdict === 'no-evidence',
    errored: check.verdict === 'broken',
    seconds,
    xml: `    <testcase classname="racelab.${escapeXml(classname)}" name="${escapeXml(name)}" time="${seconds.toFixed(3)}">${body}<system-out>${escapeXml(out || text)}</system-out></testcase>`,
  };
}

/** The testcase's names, time and output: a stress run is named by its property, a search and a baseline by what they are. */
function caseOf(check: Check, input: ReportInput): { classname: string; name: string; seconds: number; out: string } {
  const on = check.database === undefined ? '' : ` [${check.database}]`;
  switch (check.kind) {
    case 'stress': {
      const f = check.finding;
      const at = input.sweep && check.sweepValue !== undefined ? ` [${input.sweep.parameter}=${check.sweepValue}]` : on;
      return { classname: check.scenario, name: `${f.property} (expected ${f.scenario.expect})${at}`, seconds: f.elapsedMs / 1000, out: verdictSentence(check).replace(/\*\*/g, '') };
    }
    case 'search':
      return { classname: check.scenario, name: `search of the interleavings${on}`, seconds: check.search.elapsedMs / 1000, out: '' };
    case 'baseline':
      return { classname: check.scenario, name: `against the baseline${on}`, seconds: 0, out: '' };
  }
}

/** What a failure or error holds: the database's error of the first violation or failure, or the search's counterexample. */
function detailOf(check: Check): string {
  if (check.kind !== 'stress') return '';
  const f = check.finding;
  const sample = check.verdict === 'broken' ? f.firstHarnessFailure : f.firstViolation;
  if (sample) return `${sample.error.code ?? sample.outcome}: ${sample.error.message}`;
  return check.verdict === 'broken' ? (f.brokenBy ?? '') : '';
}
