import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { timelineOf } from '../harness/timeline.ts';
import { collisionRun, collisionSteps, integrityErrorSample, searchOf } from '../test/report-fixtures.ts';
import { interleavingSwimlanes, PAIR_NOTES, timelineSwimlanes } from './swimlane-sources.ts';
import { renderSwimlanes, swimlaneFigure, type LaneStatement, type Swimlanes } from './swimlanes.ts';

/** The picture as a reader would take it apart: lanes, and in each its statements with their marks and words. */
function picture(svg: string) {
  expect(XMLValidator.validate(svg)).toBe(true);
  const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => ['g', 'text', 'rect'].includes(name) }).parse(svg).svg;
  const lanes = (parsed.g as any[]).filter((g) => g['@class'] === 'lane');
  const text = (node: any) => (typeof node === 'object' ? String(node['#text'] ?? '') : String(node));
  return {
    svg: parsed,
    width: Number(parsed['@width']),
    title: text(parsed.title),
    desc: text(parsed.desc),
    axis: text((parsed.g as any[]).find((g) => g['@class'] === 'axis').text.find((t: any) => t['@class'] === 'axis-label')),
    lanes: lanes.map((lane) => ({
      heading: text(lane.text.find((t: any) => t['@class'] === 'lane-label')),
      statements: (lane.g ?? []).map((g: any) => ({
        label: text(g.text.find((t: any) => t['@class'] === 'statement-label')),
        result: text(g.text.find((t: any) => t['@class'] === 'result')),
        role: g['@data-role'] as string | undefined,
        waitedFor: g['@data-waited-for'] as string | undefined,
        tooltip: text(g.title),
        bar: g.rect.find((r: any) => r['@class'] === 'bar'),
        hatched: g.rect.some((r: any) => r['@class'] === 'wait'),
      })),
    })),
  };
}

/** The timeline the real checker draws from the fixture's recorded statements. */
const collisionTimeline = () => timelineOf(integrityErrorSample(), collisionSteps())!;

describe('swimlanes of a stress run, from the timeline of its first collision', () => {
  const lanes = timelineSwimlanes('swimlanes-1', 'naive-save: first IntegrityError', collisionTimeline());
  const drawn = picture(renderSwimlanes(lanes));

  it('a lane per worker, each statement of it a row, in the order it began', () => {
    expect(drawn.lanes.map((lane) => lane.heading)).toEqual(['worker 1', 'worker 2', 'worker 3']);
    expect(drawn.lanes.map((lane) => lane.statements.map((s: any) => s.label))).toEqual([
      ['op3 exists(k5)', 'op3 insert(k5)'],
      ['op13 begin', 'op13 exists(k5)', 'op13 insert(k5)', 'op13 commit'],
      ['op7 exists(k5)'],
    ]);
  });

  it('marks the failed insert and the insert it collided with, in words beside the colour, and hatches the wait', () => {
    const all = drawn.lanes.flatMap((lane) => lane.statements);
    const failed = all.filter((s: any) => s.role === 'failed');
    const won = all.filter((s: any) => s.role === 'won');
    expect(failed.map((s: any) => s.label)).toEqual(['op3 insert(k5)']);
    expect(won.map((s: any) => s.label)).toEqual(['op13 insert(k5)']);
    expect(failed[0].result).toBe('→ 23505 duplicate key value viola…  ✗ failed; waited for w2 op13 insert');
    expect(won[0].result).toBe('→ ok  ◀ won');
    expect(all.filter((s: any) => s.hatched).map((s: any) => [s.label, s.waitedFor])).toEqual([['op3 insert(k5)', 'w2 op13 insert']]);
    expect(lanes.note).toBeUndefined();
  });

  it('puts every bar on one clock in microseconds, from the first start to the last end', () => {
    expect(drawn.axis).toBe('time in µs from the first statement shown, one clock for every worker');
    const bars = drawn.lanes.flatMap((lane) => lane.statements).map((s: any) => ({ label: s.label, x: Number(s.bar['@x']), right: Number(s.bar['@x']) + Number(s.bar['@width']) }));
    const begin = bars.find((b) => b.label === 'op13 begin')!;
    const last = bars.find((b) => b.label === 'op7 exists(k5)')!;
    expect(last.right - begin.x).toBeCloseTo(400, 1);
    // To a tenth of a pixel: w1's insert began 100 µs after w2's and ended 488 µs after it (of 2,450 µs across 400 px).
    const insert = (label: string) => bars.find((b) => b.label === label)!;
    expect(insert('op3 insert(k5)').x - insert('op13 insert(k5)').x).toBeCloseTo((100 / 2450) * 400, 1);
    expect(insert('op3 insert(k5)').right - insert('op13 insert(k5)').right).toBeCloseTo((488 / 2450) * 400, 1);
  });

  it('is described in words for a screen reader: its title, and each statement with its span and marks', () => {
    expect(drawn.svg['@role']).toBe('img');
    expect(drawn.svg['@aria-labelledby']).toBe('swimlanes-1-title swimlanes-1-desc');
    expect(drawn.title).toBe('Swimlanes of naive-save: first IntegrityError');
    expect(drawn.desc).toContain('Worker 1: op3 exists(k5) from 150 to 400 µs, → false; op3 insert(k5) from 700 to 2,150 µs, → 23505 duplicate key value violates unique constraint "django_session_pkey", failed, waited for w2 op13 insert.');
    expect(drawn.desc).toContain('op13 insert(k5) from 600 to 1,662 µs, → ok, won: the failed statement collided with it;');
  });

  it("a figure around it: a box that scrolls sideways, and a caption that says what the marks mean", () => {
    const figure = swimlaneFigure(lanes);
    expect(figure).toMatch(/^<figure class="swimlanes" id="swimlanes-1"><div class="scroll" role="region" tabindex="0" aria-label="Swimlanes of naive-save: first IntegrityError, scrolls sideways"><svg /);
    expect(figure).toContain('<figcaption>A lane per worker; each bar is a statement, on one clock (microseconds). ✗ failed: the statement');
    expect(figure).not.toMatch(/<script|\son\w+=/i);
  });
});

describe('swimlanes of an interleaving explore found', () => {
  const lanes = interleavingSwimlanes('swimlanes-2', 'the counterexample of naive-save', collisionRun());
  const drawn = picture(renderSwimlanes(lanes));

  it('on the release order, each step from its release to its completion, the blocked insert hatched', () => {
    expect(drawn.axis).toBe('release order: the run’s logical clock, one tick per step released or completed');
    expect(drawn.desc).toMatch(/^One lane per worker; each statement is a bar from its release to its completion, on one clock \(release order: /);
    expect(drawn.lanes.map((lane) => lane.heading)).toEqual(['worker 1', 'worker 2']);
    const worker2 = drawn.lanes[1]!.statements;
    expect(worker2.map((s: any) => [s.label, s.role, s.waitedFor])).toEqual([
      ['op1 begin', undefined, undefined],
      ['op1 exists(k0)', undefined, undefined],
      ['op1 insert(k0)', 'failed', 'a lock'],
      ['op1 rollback', undefined, undefined],
    ]);
    expect(drawn.lanes[0]!.statements.filter((s: any) => s.role).map((s: any) => [s.label, s.role])).toEqual([['op1 insert(k0)', 'won']]);
    expect(drawn.desc).toContain('op1 insert(k0) from 11 to 14 ticks, → 23505 duplicate key value violates unique constraint "django_session_pkey", failed, waited for a lock');
  });

  it("keeps a scenario's own SQL in the step's tooltip", () => {
    expect(drawn.lanes[1]!.statements[2].tooltip).toBe(
      'w2 op1 insert(k0) from 11 to 14 ticks, → 23505 duplicate key value violates unique constraint "django_session_pkey", failed, waited for a lock; SQL: INSERT INTO "django_session" ("session_key", "session_data") VALUES ($1, $2)',
    );
  });

  it('says when no statement failed: a violation the audit found', () => {
    const search = searchOf('reserve', true);
    const audited = interleavingSwimlanes('swimlanes-3', 'the counterexample of reserve', search.result.failed ? search.result.run : collisionRun());
    expect(audited.statements.some((s) => s.role)).toBe(false);
    expect(audited.note).toBe(PAIR_NOTES.noFailure);
    expect(swimlaneFigure(audited)).toContain(`<strong>${PAIR_NOTES.noFailure}</strong>`);
  });
});

describe('swimlanes at the edges', () => {
  const statement = (overrides: Partial<LaneStatement>): LaneStatement => ({ worker: 1, label: 'op1 insert(k1)', start: 0, end: 10, result: 'ok', ...overrides });
  const lanes = (statements: LaneStatement[], overrides: Partial<Swimlanes> = {}): Swimlanes => ({ id: 'swimlanes-9', subject: 'a test', clock: 'microseconds', statements, ...overrides });

  it('draws nothing, and no figure, for no statement', () => {
    expect(renderSwimlanes(lanes([]))).toBe('');
    expect(swimlaneFigure(lanes([]))).toBe('');
  });

  it('one worker: one lane, and the failure alone, said to be so', () => {
    const timeline = timelineOf(integrityErrorSample(), collisionSteps().filter((e) => e.worker === 1))!;
    const alone = timelineSwimlanes('swimlanes-4', 'a lone failure', timeline);
    const drawn = picture(renderSwimlanes(alone));
    expect(drawn.lanes.map((lane) => lane.heading)).toEqual(['worker 1']);
    expect(drawn.lanes[0]!.statements.map((s: any) => s.role)).toEqual([undefined, 'failed']);
    expect(alone.note).toBe(PAIR_NOTES.noWinner);
    expect(drawn.desc).toMatch(new RegExp(`${PAIR_NOTES.noWinner.replace(/[.:]/g, '\\$&')}$`));
  });

  it('escapes SQL text and keys: the picture stays one well-formed SVG and says them as given', () => {
    const hostile = "k'<b>&\"x</b>";
    const sql = 'SELECT 1 FROM t WHERE a = \'</title><script>alert(1)</script>\' AND b < 2 & c > 1';
    const svg = renderSwimlanes(lanes([statement({ label: `op1 insert(${hostile})`, result: '<ok> & "done"', sql }), statement({ worker: 2, start: 5, end: 20, role: 'failed', result: 'x' })]));
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain('<b>');
    const drawn = picture(svg);
    const first = drawn.lanes[0]!.statements[0];
    expect(first.label).toBe(`op1 insert(${hostile})`);
    expect(first.result).toBe('→ <ok> & "done"');
    expect(first.tooltip).toContain(`SQL: ${sql}`);
  });

  it('cuts long labels and results, keeps the marks whole, and sizes the picture to its longest row', () => {
    const long = statement({ label: `op1 ${'insert'.repeat(12)}(k1)`, result: 'e'.repeat(200), role: 'failed', waitedFor: 'w2 op9 insert' });
    const drawn = picture(renderSwimlanes(lanes([long])));
    const row = drawn.lanes[0]!.statements[0];
    expect(row.label).toHaveLength(36);
    expect(row.label.endsWith('…')).toBe(true);
    expect(row.result).toBe(`→ ${'e'.repeat(31)}…  ✗ failed; waited for w2 op9 insert`);
    // Label column, 400 px of clock, room for a mark, result column: each at 7.3 px a character with its margins.
    expect(drawn.width).toBe(Math.ceil(14 + 7.3 * 36 + 14 + 400 + 16 + 14 + 7.3 * row.result.length + 14));
  });

  it("is wide enough for the axis's words beside a short result column", () => {
    const drawn = picture(renderSwimlanes(lanes([statement({ label: 'op1 a', result: '' })])));
    expect(drawn.width).toBeGreaterThanOrEqual(14 + 7.3 * 'worker 1'.length + 14 + 7.3 * drawn.axis.length);
  });

  it('one instant: a statement that took no time is still a bar', () => {
    const drawn = picture(renderSwimlanes(lanes([statement({ start: 0, end: 0 })])));
    expect(Number(drawn.lanes[0]!.statements[0].bar['@width'])).toBeGreaterThanOrEqual(2);
  });
});
