/**
 * Every output renders the one decision: the exit code, the terminal, junit.xml, report.json and
 * report.md (and so report.html and report.trac.txt) can never disagree. In-process, on fixture
 * values: what is under test is the rendering, not a race.
 */
import { XMLParser } from 'fast-xml-parser';
import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exitCodeOf } from '../cli/exit-codes.ts';
import { findingOf, inputOf, integrityErrorSample, missingTableSample, POSTGRES, POSTGRES_JS_STATEMENTS, searchOf, SQLITE } from '../test/report-fixtures.ts';
import type { ReportInput } from '../harness/report-input.ts';
import { decide } from '../harness/verdict.ts';
import { raceFoundMessage } from '../api/race-found-message.ts';
import { renderChart } from './chart.ts';
import { toJsonReport } from './json.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';
import { renderTerminal } from './terminal.ts';
import { gateLines } from './gate-terminal.ts';

const junitOf = (input: ReportInput) => new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(renderJunit(input)).testsuites;
const titleOf = (input: ReportInput) => renderMarkdown(input).split('\n')[0];
const validate = new Ajv({ strict: false }).compile(JSON.parse(readFileSync(new URL('./report.schema.json', import.meta.url), 'utf8')));
const jsonOf = (input: ReportInput) => {
  const report = JSON.parse(JSON.stringify(toJsonReport(input)));
  expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  return report;
};

describe('a safe scenario whose search found a counterexample (the reserve-handle gate)', () => {
  const input = inputOf({
    points: [{ findings: [findingOf({ name: 'reserve-handle', expect: 'safe', ops: 400, windows: 16 })] }],
    searches: [searchOf('reserve-handle', true)],
  });

  it('exits 1, and the gate says FAIL with the counterexample', () => {
    expect(exitCodeOf(input.decision.verdict)).toBe(1);
    const lines = gateLines(input, '/tmp/out/run').join('\n');
    expect(lines).toMatch(/^FAIL search reserve-handle: expected safe, but violated in 1\.5 s: counterexample after 6 inputs, shrunk 4 times to 2 workers × 1 op/m);
    expect(lines).toMatch(/^gate: FAIL \(1 of 2 checks passed\); reports in \/tmp\/out\/run$/m);
  });

  it('is a failure in junit.xml, holding the counterexample', () => {
    const junit = junitOf(input);
    expect(junit).toMatchObject({ tests: '2', failures: '1', errors: '0' });
    const failing = junit.testsuite.testcase.filter((c: { failure?: unknown }) => c.failure);
    expect(failing).toHaveLength(1);
    expect(failing[0].name).toBe('search of the interleavings');
    expect(failing[0].failure.type).toBe('VerdictMismatch');
    expect(failing[0].failure['#text']).toContain('w1 check(k0) → 0 rows');
    expect(failing[0].failure['#text']).toContain('racelab explore ./reserve-handle.race.ts --seed 7 --path "3:1"');
  });

  it("is report.json's overall result, and report.md's title names the failure", () => {
    const report = jsonOf(input);
    expect(report.result.verdict).toBe('fail');
    expect(report.result.checks.map((c: { kind: string; verdict: string }) => `${c.kind} ${c.verdict}`)).toEqual(['stress pass', 'search fail']);
    expect(titleOf(input)).toBe('# racelab report: FAIL (1 of 2 checks passed): reserve-handle: the search found a counterexample, expected safe');
    expect(renderMarkdown(input)).toContain('- **FAIL** search reserve-handle: expected safe, but violated');
  });
});

describe("a search's replay commands", () => {
  it('name the scenario file as typed on the terminal, and by its copy in every file of the report directory', () => {
    const input = inputOf({
      points: [{ findings: [findingOf({ name: 'reserve-handle', expect: 'safe', windows: 16 })] }],
      searches: [searchOf('reserve-handle', true)],
      scenarioFiles: [{ given: './reserve-handle.race.ts', copy: 'scenarios/reserve-handle.race.ts', imports: [], packages: ['racelab'] }],
    });
    expect(gateLines(input, undefined).join('\n')).toContain('replay:   racelab explore ./reserve-handle.race.ts --seed 7 --path "3:1"');
    const copy = 'racelab explore ./scenarios/reserve-handle.race.ts --seed 7 --path "3:1"';
    expect(renderJunit(input)).toContain(copy.replace(/"/g, '&quot;'));
    expect(renderMarkdown(input)).toContain(copy);
    expect(jsonOf(input).searches[0].counterexample.replayCommand).toBe(copy);
    for (const text of [renderJunit(input), renderMarkdown(input), JSON.stringify(toJsonReport(input))]) expect(text).not.toContain('explore ./reserve-handle.race.ts');
  });
});

describe('a scenario whose every op failed with an error that is not a race', () => {
  const finding = findingOf({ name: 'reserve-handle', expect: 'safe', ops: 400, outcomes: { error: 400 }, windows: 28, samples: [missingTableSample()] });
  const failure = `reserve-handle: ${finding.brokenBy}`;
  const input = inputOf({ points: [{ findings: [finding] }], failure });

  it('exits 3', () => {
    expect(exitCodeOf(input.decision.verdict)).toBe(3);
  });

  it('claims no holds, no bound and no match anywhere', () => {
    const terminal = renderTerminal(input, 'report.json');
    expect(terminal).toMatch(/verdict\s+broken \(no verdict\)/);
    expect(terminal).toContain('verdict: BROKEN, no verdict: reserve-handle: w1 op1 failed with an error that is not a race: relation "handles" does not exist');
    const markdown = renderMarkdown(input);
    const report = jsonOf(input);
    for (const text of [terminal, markdown, JSON.stringify(report), renderJunit(input)]) {
      // No verdict word: `holds (as expected)`, `holds: …`, "verdict": "holds", held.
      expect(text).not.toMatch(/\bholds \(|\bholds:|"verdict": ?"holds"|\bheld\b/);
      expect(text).not.toMatch(/below [\d.]+% per window/);
      expect(text).not.toMatch(/"matchesExpectation": ?true/);
    }
    expect(report.scenarios[0]).toMatchObject({ verdict: 'broken', matchesExpectation: null, check: { verdict: 'broken' } });
    expect(report.result.verdict).toBe('broken');
    expect(titleOf(input)).toBe(`# racelab report: BROKEN, no verdict: ${failure}`);
    expect(markdown).toContain('### reserve-handle: the error that is not a race, as PostgreSQL reported it');
  });

  it('is an error in junit.xml', () => {
    const junit = junitOf(input);
    expect(junit).toMatchObject({ tests: '1', failures: '0', errors: '1' });
    expect(junit.testsuite.testcase.error.type).toBe('HarnessFailure');
    expect(junit.testsuite.testcase.error['#text']).toBe('42P01: relation "handles" does not exist');
  });

  it('names, in a list, the databases the broken run never got to', () => {
    const list = { ...inputOf({ points: [{ database: POSTGRES, findings: [finding] }, { database: SQLITE, findings: [] }], failure }), databasesNotRun: ['mysql://root@127.0.0.1:3306/test'] };
    expect(renderTerminal(list, 'report.json', 200)).toContain('on 2 databases, one after another:\n');
    expect(renderTerminal(list, 'report.json', 200)).toContain('  not run: mysql://root@127.0.0.1:3306/test (the run stopped before it)\n');
    expect(renderMarkdown(list)).toContain('what came after it did not run. mysql://root@127.0.0.1:3306/test did not run.');
    expect(jsonOf(list).databasesNotRun).toEqual(['mysql://root@127.0.0.1:3306/test']);
  });

  it('shows as broken in its cell of a database × scenario table', () => {
    const good = findingOf({ name: 'reserve-handle', expect: 'safe', ops: 400, windows: 30 });
    const list = inputOf({ points: [{ database: POSTGRES, findings: [good] }, { database: SQLITE, findings: [finding] }], failure });
    const cells = jsonOf(list).matrix.map((c: { database: string; verdict: string; check: string }) => `${c.database}: ${c.verdict} ${c.check}`);
    expect(cells).toEqual([`${POSTGRES.label}: holds pass`, 'sqlite: broken broken']);
    expect(renderMarkdown(list)).toMatch(/\| reserve-handle \| holds \(as expected\): 0% \[0%, [\d.]+%\] \| broken \(no verdict\) \|/);
    expect(renderTerminal(list, 'report.json', 200)).toMatch(/sqlite\s+reserve-handle\s+safe\s+autocommit\s+broken \(no verdict\)/);
  });
});

describe('a safe scenario whose ops never raced', () => {
  const input = inputOf({ points: [{ findings: [findingOf({ name: 'quiet', expect: 'safe', windows: 0 })] }] });

  it('is no evidence, exit 1, in every output', () => {
    expect(exitCodeOf(input.decision.verdict)).toBe(1);
    expect(renderTerminal(input, 'report.json')).toMatch(/verdict\s+no evidence \(no race window\)/);
    expect(renderTerminal(input, 'report.json')).toMatch(/per race window \[95% CI\]\s+- \(no race window\)/);
    expect(jsonOf(input)).toMatchObject({ result: { verdict: 'no-evidence' }, scenarios: [{ verdict: 'no-evidence', matchesExpectation: null }] });
    const junit = junitOf(input);
    expect(junit).toMatchObject({ tests: '1', failures: '1' });
    expect(junit.testsuite.testcase.failure.type).toBe('NoEvidence');
    expect(titleOf(input)).toBe('# racelab report: NO EVIDENCE (0 of 1 check passed): quiet: no race window, no evidence');
  });
});

describe('a run where every check passed', () => {
  const input = inputOf({
    points: [
      {
        findings: [
          findingOf({ name: 'naive-save', expect: 'unsafe', outcomes: { integrity_error: 6 }, windows: 40, samples: [integrityErrorSample()] }),
          findingOf({ name: 'atomic-create', expect: 'safe', windows: 40 }),
        ],
      },
    ],
  });

  it('exits 0, and every output says so', () => {
    expect(exitCodeOf(input.decision.verdict)).toBe(0);
    expect(renderTerminal(input, 'report.json')).toContain('verdict: PASS (2 of 2 checks passed)');
    expect(jsonOf(input).result).toMatchObject({ verdict: 'pass', summary: 'PASS (2 of 2 checks passed)' });
    expect(junitOf(input)).toMatchObject({ tests: '2', failures: '0', errors: '0' });
    expect(titleOf(input)).toBe('# racelab report: PASS (2 of 2 checks passed): naive-save reproduced; atomic-create held');
  });
});

describe('a run interrupted outside any check', () => {
  it('is an error testcase of its own in junit.xml, and exits 130', () => {
    const input = inputOf({ points: [{ findings: [findingOf({ name: 'atomic-create', expect: 'safe', windows: 40 })] }], interrupted: true });
    expect(exitCodeOf(input.decision.verdict)).toBe(130);
    const junit = junitOf(input);
    expect(junit).toMatchObject({ tests: '2', errors: '1' });
    expect(junit.testsuite.testcase[1]).toMatchObject({ name: 'the run', error: { type: 'Interrupted' } });
  });
});

describe('a stress run and a search of the same scenario', () => {
  it("an unsafe scenario the search reproduced though its stress run held: never \"holds … as expected\"", () => {
    const input = inputOf({ points: [{ findings: [findingOf({ name: 'reserve', expect: 'unsafe', windows: 30 })] }], searches: [searchOf('reserve', true)] });
    expect(input.decision.verdict).toBe('pass');
    const markdown = renderMarkdown(input);
    expect(titleOf(input)).toBe('# racelab report: PASS (2 of 2 checks passed): reserve reproduced by the search');
    expect(markdown).toMatch(/- \*\*reserve\*\* did not show the race under stress \(no violation in 200 ops .*\); the search of its interleavings reproduced it \(below\), as expected \(unsafe: /);
    expect(markdown).not.toMatch(/reserve\*\* holds/);
  });

  it('a safe scenario whose stress run held but whose search broke it: every line of report.md says the search broke it', () => {
    const input = inputOf({ points: [{ findings: [findingOf({ name: 'reserve', expect: 'safe', windows: 30 })] }], searches: [searchOf('reserve', true)] });
    const markdown = renderMarkdown(input);
    expect(markdown).toMatch(/\*\*reserve\*\* holds: .*; as expected \(safe: .*\)\..* \*\*But the search of its interleavings found a counterexample \(below\): it is not safe\.\*\*/);
    expect(markdown).toMatch(/\| holds \(as expected\); the search broke it \|$/m);
    expect(markdown).toContain('No violation occurred under stress; the search\'s counterexamples are above, under "Interleavings searched".');
    expect(markdown).not.toContain('so there is no example to show');
  });
});

describe('a safe scenario whose statements went around racelab (postgres.js)', () => {
  const uncontrolled = POSTGRES_JS_STATEMENTS;
  const input = inputOf({
    points: [{ findings: [findingOf({ name: 'profiles', expect: 'safe', windows: 12, uncontrolled })] }],
    searches: [searchOf('profiles', false, { uncontrolled })],
  });
  const named = /42 statements the ops sent went around racelab, which can neither time nor schedule them \(among them: `select 1 from profiles where user_id = \$1`\): sent through a driver racelab does not intercept; on this database it sees and schedules pg/;

  it('is no evidence, exit 1, and the gate names the statements and what racelab does see', () => {
    expect(exitCodeOf(input.decision.verdict)).toBe(1);
    const lines = gateLines(input, '/tmp/out/run').join('\n');
    expect(lines).toMatch(/^NO EVIDENCE profiles: expected safe, but no evidence: 42 statements/m);
    expect(lines).toMatch(/^NO EVIDENCE search profiles: held for 100 inputs, but no evidence: 42 statements/m);
    expect(lines).toMatch(named);
    expect(lines).not.toMatch(/^PASS/m);
  });

  it('says so in the terminal, report.md, junit.xml and report.json', () => {
    expect(renderTerminal(input, 'report.json')).toMatch(/verdict\s+no evidence \(statements went around racelab\)/);
    expect(renderTerminal(input, 'report.json', 200)).toMatch(named);
    expect(renderMarkdown(input)).toMatch(named);
    expect(titleOf(input)).toBe('# racelab report: NO EVIDENCE (0 of 2 checks passed): profiles: statements went around racelab, no evidence');
    expect(junitOf(input)).toMatchObject({ tests: '2', failures: '2' });
    const report = jsonOf(input);
    expect(report).toMatchObject({ result: { verdict: 'no-evidence' }, scenarios: [{ verdict: 'no-evidence', uncontrolled }], searches: [{ uncontrolled }] });
  });
});

describe("an IntegrityError an ORM wrapped", () => {
  const sample = { ...integrityErrorSample(), error: { ...integrityErrorSample().error, raisedAs: 'SequelizeUniqueConstraintError: Validation error' } };
  const input = inputOf({ points: [{ findings: [findingOf({ name: 'find-or-create', expect: 'unsafe', outcomes: { integrity_error: 4 }, windows: 30, samples: [sample] })] }] });

  it("shows the database's words, and what the op's code was handed", () => {
    expect(renderTerminal(input, 'report.json')).toContain('  raised to the op as: SequelizeUniqueConstraintError: Validation error');
    expect(renderMarkdown(input)).toContain('raised to the op as: SequelizeUniqueConstraintError: Validation error');
    expect(jsonOf(input).scenarios[0].firstLoudViolation.error).toMatchObject({ code: '23505', raisedAs: 'SequelizeUniqueConstraintError: Validation error' });
  });
});

describe('an amplified run (--amplify)', () => {
  const natural = inputOf({ points: [{ findings: [findingOf({ name: 'naive-save', expect: 'unsafe', ops: 400, windows: 300, outcomes: { integrity_error: 90 } })] }] });
  const { decision: _, ...facts } = natural;
  // As run-request.ts makes an amplified run's points: amplified, and with no prediction of chance.
  const amplifiedFacts = {
    ...facts,
    config: { ...natural.config, amplify: true },
    points: natural.points.map(({ expectation: _chance, ...point }) => ({ ...point, config: { ...point.config, amplify: true } })),
  };
  // Decided afresh from the amplified facts, as the engine would.
  const amplified: ReportInput = { ...amplifiedFacts, decision: decide(amplifiedFacts) };

  it('says in every output that its rates are forced, not natural, and drops what chance predicts', () => {
    const terminal = renderTerminal(amplified, '/tmp/out/run');
    expect(terminal).toContain(`amplified (--amplify, seed ${natural.config.seed}): shared key draws and holds after reads forced the race;`);
    expect(terminal).not.toContain('chance alone');
    expect(renderTerminal(natural, '/tmp/out/run')).toContain('chance alone');

    const markdown = renderMarkdown(amplified);
    expect(markdown).toContain(`- amplified (--amplify, seed ${natural.config.seed}): `);
    expect(markdown).not.toContain('## What chance predicts');
    expect(renderMarkdown(natural)).toContain('## What chance predicts');

    const properties = junitOf(amplified).testsuite.properties.property as { name: string; value: string }[];
    expect(properties.find((property) => property.name === 'amplified')?.value).toMatch(/not how often it races unamplified/);
    expect((junitOf(natural).testsuite.properties.property as { name: string }[]).map((property) => property.name)).not.toContain('amplified');

    const report = jsonOf(amplified);
    expect(report.config.amplify).toBe(true);
    expect(report.expectation).toBeNull();
    expect(jsonOf(natural).config.amplify).toBe(false);
    expect(jsonOf(natural).expectation).not.toBeNull();
  });

  it("says so in expectRaceFree's failure too, and keeps chance's bound out of a sweep's and the chart's", () => {
    expect(raceFoundMessage(jsonOf(amplified))).toContain(`\namplified (--amplify, seed ${natural.config.seed}): `);
    expect(raceFoundMessage(jsonOf(natural))).not.toContain('amplified');
    const swept = (input: ReportInput): ReportInput => ({ ...input, sweep: { parameter: 'key-space', values: [4096] }, points: input.points.map((point) => ({ ...point, value: 4096 })) });
    expect(jsonOf(swept(amplified)).scenarios[0].sweep.expectation).toBeNull();
    expect(jsonOf(swept(natural)).scenarios[0].sweep.expectation).not.toBeNull();
    expect(renderChart(swept(amplified))).not.toContain('chance bound');
    expect(renderChart(swept(natural))).toContain('chance bound');
  });
});
