/**
 * Evidence a maintainer can rerun, as every report renders it: where racelab comes from and how
 * to get it (never a registry name that was not published), the command as given, the copies of
 * the scenario files and a rerun that names them. Rendered in-process from hand-built values.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { raceFoundMessage } from '../api/race-found-message.ts';
import type { ExploreRun } from '../harness/explore/explore-run.ts';
import type { ReportInput, ToolSource } from '../harness/report-input.ts';
import { explorationVerdict, matchOf } from '../harness/verdict.ts';
import { explorationWords } from '../reports/check-words.ts';
import { renderExploreReports } from '../reports/explore-report.ts';
import type { ExploreSummary } from '../reports/explore-markdown.ts';
import { renderJson, toJsonReport } from '../reports/json.ts';
import { renderJunit } from '../reports/junit.ts';
import { renderMarkdown } from '../reports/markdown.ts';
import { renderTerminal } from '../reports/terminal.ts';
import { renderTrac } from '../reports/trac.ts';
import { finding, reportInput } from './report-fixtures.ts';

const COMMIT = 'c0ffee0000000000000000000000000000000001';
const schema = (file: string) => new Ajv({ strict: true, allErrors: true }).compile(JSON.parse(readFileSync(new URL(`../reports/${file}`, import.meta.url), 'utf8')));
const reportSchema = schema('report.schema.json');
const exploreSchema = schema('explore-report.schema.json');

/** A run of a user's scenario file, copied into the report's directory. */
function withCopy(source: ToolSource = { kind: 'checkout', commit: COMMIT, dirty: false, remote: null }): ReportInput {
  return reportInput([finding({ integrity_error: 3 })], {
    tool: { name: 'racelab', version: '0.1.0', source },
    replayCommand: 'racelab reproduce --db embedded --scenario ./scenarios/reserve.race.ts --clients 4 --threads 2 --ops 50 --seed 7',
    commandLine: ['reproduce', '--db', 'postgres://app:***@db.internal:5432/app', '--scenario', './test/reserve.race.ts', '--ops', '50'],
    scenarioFiles: [{ given: './test/reserve.race.ts', copy: 'scenarios/reserve.race.ts', imports: ['./db.ts'], packages: ['racelab', 'pg'] }],
  });
}

describe('where racelab comes from, and how to get it', () => {
  it('report.md never offers a registry version nobody published: a checkout gives its commit and how to build it', () => {
    const md = renderMarkdown(withCopy());
    expect(md).not.toContain('npx racelab@');
    expect(md).toContain(`- racelab 0.1.0 from a git checkout, commit ${COMMIT}\n`);
    expect(md).toContain(
      'Get racelab: in a checkout of commit c0ffee000000, `npm ci && npm pack` makes racelab-0.1.0.tgz; then, in the project to run it in, `npm install --save-dev /path/to/racelab-0.1.0.tgz`, and `npx racelab …` there runs that copy.\n',
    );
  });

  it('a checkout with changes says so; an installed package not known to be published says that', () => {
    expect(renderMarkdown(withCopy({ kind: 'checkout', commit: COMMIT, dirty: true, remote: 'https://github.com/owner/racelab.git' }))).toContain(
      `- racelab 0.1.0 from a git checkout of https://github.com/owner/racelab.git, commit ${COMMIT}, with uncommitted changes to it (the commit alone may behave otherwise)\n`,
    );
    const md = renderMarkdown(withCopy({ kind: 'installed', resolved: null }));
    expect(md).toContain('- installed package racelab@0.1.0 (not known to be on the npm registry)\n');
    expect(md).toContain("Get racelab: build it from racelab's source: `npm ci && npm pack` there makes racelab-0.1.0.tgz;");
    expect(md).not.toContain('npx racelab@');
    expect(renderMarkdown(withCopy({ kind: 'tarball', file: 'racelab-0.1.0.tgz' }))).toContain('- racelab 0.1.0 installed from the tarball racelab-0.1.0.tgz (not known to be on the npm registry)\n');
  });

  it('a version its lockfile says came from the registry is rerun through npx with that version', () => {
    const registry = { kind: 'registry', registry: 'https://registry.npmjs.org/', resolved: 'https://registry.npmjs.org/racelab/-/racelab-0.1.0.tgz' } as const;
    const input = { ...withCopy(registry), scenarioFiles: [], replayCommand: 'racelab reproduce --db embedded --scenario naive-save --seed 7' };
    expect(renderMarkdown(input)).toContain('```sh\nnpx racelab@0.1.0 reproduce --db embedded --scenario naive-save');
    expect(renderTerminal(input, 'out/x/report.json')).toContain('rerun:  npx racelab@0.1.0 reproduce --db embedded');
  });

  it('but a copied scenario file imports racelab, which npx would not give it: install it in the report directory', () => {
    const input = withCopy({ kind: 'registry', registry: 'https://registry.npmjs.org/', resolved: 'https://registry.npmjs.org/racelab/-/racelab-0.1.0.tgz' });
    const md = renderMarkdown(input);
    expect(md).not.toContain('npx racelab@');
    expect(md).toContain("Get racelab: `npm install --save-dev racelab@0.1.0` in the report's directory, whose scenario file imports it, and `npx racelab …` there runs it.");
    expect(md).toContain('```sh\nracelab reproduce --db embedded --scenario ./scenarios/reserve.race.ts');
  });
});

describe('the rerun names the copies, and says where to run it', () => {
  it('report.md: the command as given, the copy and what it imports, and the rerun from the report’s directory', () => {
    const md = renderMarkdown(withCopy());
    expect(md).toContain("- command as given: `racelab reproduce --db 'postgres://app:***@db.internal:5432/app' --scenario ./test/reserve.race.ts --ops 50`");
    expect(md).toContain(
      "- scenario file ./test/reserve.race.ts: its copy is scenarios/reserve.race.ts in the report's directory; it imports ./db.ts, which was not copied (only the file itself was); it needs racelab, pg installed where it runs",
    );
    expect(md).toMatch(/Rerun it in the report's directory, which holds a copy of the scenario file it names \(the seed fixes[^\n]*\n\n```sh\nracelab reproduce --db embedded --scenario \.\/scenarios\/reserve\.race\.ts /);
    expect(renderTrac(withCopy())).toContain('{{{\n#!sh\nracelab reproduce --db embedded --scenario ./scenarios/reserve.race.ts');
  });

  it('the terminal, report.md and junit.xml state the same rerun and source', () => {
    const input = withCopy();
    const terminal = renderTerminal(input, 'out/x/report.json (and …)');
    expect(terminal).toContain(
      [
        `rerun:  ${input.replayCommand}`,
        "        in the report's directory, which holds a copy of the scenario file it names",
        '        scenarios/reserve.race.ts imports ./db.ts, which was not copied',
      ].join('\n'),
    );
    expect(terminal).toContain(`source: racelab 0.1.0 from a git checkout, commit ${COMMIT}\n        to get it: in a checkout of commit c0ffee000000`);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => name === 'property' }).parse(renderJunit(input));
    const properties = Object.fromEntries(doc.testsuites.testsuite.properties.property.map((p: Record<string, string>) => [p['@name'], p['@value']]));
    expect(properties).toMatchObject({
      racelab: '0.1.0',
      'racelab-source': `racelab 0.1.0 from a git checkout, commit ${COMMIT}`,
      rerun: input.replayCommand,
      'rerun-in': "in the report's directory, which holds a copy of the scenario file it names",
      command: "racelab reproduce --db 'postgres://app:***@db.internal:5432/app' --scenario ./test/reserve.race.ts --ops 50",
    });
    expect(properties['racelab-get']).toBe(renderMarkdown(input).match(/Get racelab: (.*)\.\n/)![1]);
  });

  it('built-in scenarios only: no copy, and the rerun runs anywhere', () => {
    const input = reportInput([finding({ integrity_error: 3 })]);
    expect(renderMarkdown(input)).toMatch(/Rerun it \(the seed fixes/);
    expect(renderTerminal(input, 'out/x/report.json')).not.toContain("report's directory");
  });

  it('report.json carries the source, the command as given and the copies, valid against its schema', () => {
    const report = JSON.parse(renderJson(withCopy()));
    expect(reportSchema(report), JSON.stringify(reportSchema.errors)).toBe(true);
    expect(report.tool.source).toEqual({ kind: 'checkout', commit: COMMIT, dirty: false, remote: null });
    expect(report.commandLine[0]).toBe('reproduce');
    expect(report.scenarioFiles[0].copy).toBe('scenarios/reserve.race.ts');
    // From code (race() without a command line): null.
    const fromCode = JSON.parse(renderJson({ ...withCopy(), commandLine: undefined } as unknown as ReportInput));
    expect(fromCode.commandLine).toBeNull();
    expect(reportSchema(fromCode), JSON.stringify(reportSchema.errors)).toBe(true);
  });
});

describe("expectRaceFree's message", () => {
  it('names the report directory its rerun runs in, when it wrote one, and where racelab came from', () => {
    const report = toJsonReport(withCopy());
    const message = raceFoundMessage(report, '/work/app/racelab-report/mx6_p1_abc');
    expect(message).toContain(
      `\nrerun (in /work/app/racelab-report/mx6_p1_abc, which holds a copy of the scenario file it names): ${report.replayCommand}\nsource: racelab 0.1.0 from a git checkout, commit ${COMMIT}`,
    );
    expect(raceFoundMessage({ ...report, scenarioFiles: [] })).toContain(`\nrerun: ${report.replayCommand}\n`);
  });
});

describe("explore's reports", () => {
  const run: ExploreRun = {
    input: { workers: 2, opsPerWorker: 1, keySpace: 1, isolation: 'read-committed', keySeed: 0 },
    order: [0, 1, 0, 1],
    pendingAt: [[0, 1], [0, 1], [0, 1], [1]],
    steps: [],
    outcomes: [['ok'], ['integrity_error']],
    samples: [],
    invariantProblems: [],
    elapsedMs: 5,
  };
  const summary = (overrides: Partial<ExploreSummary> = {}): ExploreSummary => ({
    header: {
      tool: { name: 'racelab', version: '0.1.0', source: { kind: 'checkout', commit: COMMIT, dirty: false, remote: null } },
      scenario: 'reserve',
      database: { kind: 'embedded', product: 'PostgreSQL', version: '18.1' },
      property: 'no seat is sold twice',
      nodeVersion: 'v20.19.0',
      reason: 'an embedded PostgreSQL',
    },
    argument: './scenarios/reserve.race.ts --db embedded',
    replayCommand: 'racelab explore ./scenarios/reserve.race.ts --db embedded --schedule "workers=2 ops=1 keys=1 isolation=rc seed=0 order=1,2,1,2"',
    commandLine: ['explore', './test/reserve.race.ts', '--db', 'embedded'],
    scenarioFiles: [{ given: './test/reserve.race.ts', copy: 'scenarios/reserve.race.ts', imports: [], packages: ['racelab'] }],
    startedAt: new Date(Date.UTC(2026, 11, 2)),
    mode: 'search',
    verdict: { verdict: 'pass', text: 'reproduced (as expected: reserve is expected unsafe)', reproduced: true, matchesExpectation: true },
    interrupted: false,
    body: ['counterexample after 3 inputs, shrunk 2 times to 2 workers × 1 op, key space 1, read-committed:'],
    searched: { seed: 5, inputs: 3, interleavings: null },
    counterexample: { run, seed: 5 },
    ...overrides,
  });

  it('say where racelab comes from and rerun from the copy, never through an unpublished npx name', () => {
    const files = renderExploreReports(summary());
    expect(files['report.md']).not.toContain('npx racelab@');
    expect(files['report.md']).toContain(`- racelab 0.1.0 from a git checkout, commit ${COMMIT}\n`);
    expect(files['report.md']).toContain("Rerun it in the report's directory, which holds a copy of the scenario file it names:\n\n```sh\nracelab explore ./scenarios/reserve.race.ts --db embedded --schedule");
    expect(files['junit.xml']).toContain('<property name="rerun" value="racelab explore ./scenarios/reserve.race.ts --db embedded --schedule');
    const report = JSON.parse(files['report.json']!);
    expect(exploreSchema(report), JSON.stringify(exploreSchema.errors)).toBe(true);
    expect(report).toMatchObject({ interrupted: false, commandLine: ['explore', './test/reserve.race.ts', '--db', 'embedded'] });
    expect(report.counterexample.replayCommand).toMatch(/^racelab explore \.\/scenarios\/reserve\.race\.ts --db embedded --schedule /);
  });

  it('an interrupted exploration says so in report.md and report.json', () => {
    const { counterexample: _none, ...held } = summary({ interrupted: true, searched: { seed: 5, inputs: 12, interleavings: 9 } });
    const verdict = explorationVerdict(false, ['safe'], { scheduled: true, interrupted: true });
    const text = explorationWords(verdict, false, 'reserve is expected safe');
    const files = renderExploreReports({ ...held, verdict: { verdict, text, reproduced: false, matchesExpectation: matchOf(verdict) } });
    expect(files['report.md']).toContain('> **Interrupted** (Ctrl-C): the account covers only the interleavings that ran.');
    const report = JSON.parse(files['report.json']!);
    expect(exploreSchema(report), JSON.stringify(exploreSchema.errors)).toBe(true);
    expect(report).toMatchObject({ interrupted: true, result: { verdict: 'interrupted' }, verdict: { matchesExpectation: null } });
    // Never green in a JUnit view: an interruption is an error, as reproduce's is.
    expect(files['junit.xml']).toMatch(/<testsuites name="racelab explore" tests="1" failures="0" errors="1">/);
    expect(files['junit.xml']).toContain('<error message="none: interrupted before it could decide, with no race found in what ran (reserve is expected safe)" type="Interrupted">');
  });
});
