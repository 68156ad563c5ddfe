/**
 * Every report `racelab explore` writes, as reproduce writes them: report.json (with the
 * counterexample), report.md, report.trac.txt, junit.xml and report.html.
 */
import { interleavingLines, outcomesLine } from './interleaving.ts';
import { formatSchedule } from '../harness/explore/schedule.ts';
import { renderExploreMarkdown, type ExploreSummary } from './explore-markdown.ts';
import { replayCommand, searchReplayCommand } from './explore-terminal.ts';
import { evidencePictures, htmlPage } from './html.ts';
import { SCHEMA_VERSION } from './json.ts';
import { markdownToHtml } from './markdown-to-html.ts';
import { markdownToTrac } from './markdown-to-trac.ts';
import { escapeXml } from './xml.ts';
import { rerunProperties } from './rerun-words.ts';
import type { ExploreJsonReport } from './explore-json-report.ts';

export type { ExploreEvidence } from './explore-markdown.ts';

export function renderExploreReports(summary: ExploreSummary): Record<string, string> {
  const markdown = renderExploreMarkdown(summary);
  return {
    'report.json': `${JSON.stringify(exploreJson(summary), null, 2)}\n`,
    'report.md': markdown,
    'report.trac.txt': markdownToTrac(markdown),
    'junit.xml': exploreJunit(summary),
    'report.html': htmlPage(`racelab explore ${escapeXml(summary.header.scenario)}`, markdownToHtml(renderExploreMarkdown(summary, evidencePictures()))),
  };
}

/** report.json of an exploration; reports/explore-report.schema.json describes it. */
function exploreJson(summary: ExploreSummary): ExploreJsonReport {
  const { header, counterexample } = summary;
  const scenario = summary.argument;
  return {
    schemaVersion: SCHEMA_VERSION,
    command: 'explore',
    tool: header.tool,
    createdAt: summary.startedAt.toISOString(),
    interrupted: summary.interrupted,
    replayCommand: summary.replayCommand,
    commandLine: summary.commandLine,
    scenarioFiles: summary.scenarioFiles,
    nodeVersion: header.nodeVersion,
    database: { kind: header.database.kind, product: header.database.product, version: header.database.version, reason: header.reason },
    scenario: { name: header.scenario, property: header.property },
    mode: summary.mode,
    // The decision the exit code is, as reproduce's report.json gives it.
    result: { verdict: summary.verdict.verdict, summary: summary.verdict.text },
    verdict: { text: summary.verdict.text, reproduced: summary.verdict.reproduced, matchesExpectation: summary.verdict.matchesExpectation },
    searched: summary.searched ?? null,
    enumerated: summary.enumerated ?? null,
    uncontrolled: summary.uncontrolled ?? null,
    counterexample: counterexample
      ? {
          input: counterexample.run.input,
          order: counterexample.run.order,
          schedule: formatSchedule({ ...counterexample.run.input, order: counterexample.run.order }),
          interleaving: interleavingLines(counterexample.run),
          outcomes: outcomesLine(counterexample.run),
          samples: counterexample.run.samples,
          invariantProblems: counterexample.run.invariantProblems,
          replayCommand: replayCommand(scenario, counterexample.run),
          ...(counterexample.seed !== undefined && { seed: counterexample.seed }),
          ...(counterexample.path !== undefined && { path: counterexample.path, searchReplayCommand: searchReplayCommand(scenario, counterexample.seed!, counterexample.path) }),
          ...(counterexample.shrinks !== undefined && { shrinks: counterexample.shrinks }),
        }
      : null,
    account: summary.body,
  };
}

function exploreJunit(summary: ExploreSummary): string {
  const { header, verdict } = summary;
  // A failure for fail and no evidence, an error for an interruption: never green unless it passed.
  const failed = verdict.verdict === 'fail' || verdict.verdict === 'no-evidence';
  const errored = verdict.verdict === 'interrupted' || verdict.verdict === 'broken';
  const detail = summary.counterexample ? interleavingLines(summary.counterexample.run).join('\n') : '';
  const type = verdict.verdict === 'no-evidence' ? 'NoEvidence' : 'VerdictMismatch';
  const body = failed
    ? `<failure message="${escapeXml(verdict.text)}" type="${type}">${escapeXml(detail)}</failure>`
    : errored
      ? `<error message="${escapeXml(verdict.text)}" type="Interrupted">${escapeXml(detail)}</error>`
      : '';
  const counts = `tests="1" failures="${failed ? 1 : 0}" errors="${errored ? 1 : 0}"`;
  const properties = [...rerunProperties({ ...summary, tool: header.tool }), ['database', `${header.database.product} ${header.database.version} (${header.database.kind})`], ['node', header.nodeVersion]];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="racelab explore" ${counts}>`,
    `  <testsuite name="racelab explore" ${counts} skipped="0" timestamp="${summary.startedAt.toISOString().slice(0, 19)}" hostname="localhost">`,
    '    <properties>',
    ...properties.map(([name, value]) => `      <property name="${escapeXml(name!)}" value="${escapeXml(value!)}"/>`),
    '    </properties>',
    `    <testcase classname="racelab.${escapeXml(header.scenario)}" name="${escapeXml(`${header.property} (explore ${summary.mode})`)}">${body}<system-out>${escapeXml(summary.body.join('\n'))}</system-out></testcase>`,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
