/**
 * report.html laid out by a real browser at a laptop's width and a phone's: nothing is cut off, wide
 * tables and pictures scroll in boxes of their own, and each race has its picture. The reports are
 * rendered in-process from fixture findings: the layout is what is under test, not a race.
 */
import { describe, expect, it } from 'vitest';
import { CHROMIUM, layoutInChromium, type PageLayout } from './chromium.ts';
import { collisionRun, collisionSteps, exploreSummary, findingOf, inputOf, integrityErrorSample, POSTGRES, searchOf, SQLITE } from './report-fixtures.ts';
import { renderExploreReports } from '../reports/explore-report.ts';
import { renderHtml } from '../reports/html.ts';

const WIDTHS = [1200, 400];

/** `--db postgres://…,sqlite`: naive-save collided on both, atomic-create held on both and the search found it a counterexample. */
function twoDatabaseReport(): string {
  const naive = () => findingOf({ name: 'naive-save', expect: 'unsafe', outcomes: { integrity_error: 4 }, windows: 40, samples: [integrityErrorSample()], steps: collisionSteps() });
  const held = () => findingOf({ name: 'atomic-create', expect: 'safe', windows: 40 });
  return renderHtml(
    inputOf({
      points: [
        { findings: [naive(), held()], database: POSTGRES },
        { findings: [naive(), held()], database: SQLITE },
      ],
      searches: [searchOf('atomic-create', true, { run: collisionRun() })],
    }),
  );
}

function expectNothingCutOff(layouts: PageLayout[]): void {
  expect(layouts.map((l) => l.width)).toEqual(WIDTHS);
  for (const layout of layouts) {
    expect(layout.cutOff, `at ${layout.width} px`).toEqual([]);
    for (const table of layout.tables) expect(table.lastColumnInView, `"${table.lastHeading}" at ${layout.width} px`).toBe(true);
    for (const figure of layout.figures) {
      expect(figure.endInView, `a picture's end at ${layout.width} px`).toBe(true);
      // Drawn at its own size at any width, so its 12 px labels stay 12 px: it scrolls instead.
      expect(figure.drawnWidth).toBe(figure.ownWidth);
    }
  }
}

describe.skipIf(!CHROMIUM)('report.html in headless Chromium, at 1,200 px and 400 px', () => {
  it('a two-database report: the verdict column and every picture are reachable, and nothing runs off the page', () => {
    const html = twoDatabaseReport();
    expect(html).not.toMatch(/<script|\son\w+=|<link|src="http|href="http/i);
    const layouts = layoutInChromium(html, WIDTHS);
    expectNothingCutOff(layouts);
    const [wide, narrow] = layouts as [PageLayout, PageLayout];
    // The results table ends with the verdict; wider than either page, it scrolls in its own box.
    expect(wide.tables.map((t) => t.lastHeading)).toEqual(['SQLite 3.53.2 (sqlite)', 'verdict']);
    expect(wide.tables[1]!.scrolls).toBe(true);
    expect(narrow.tables.every((t) => t.scrolls)).toBe(true);
    // A picture per collision: the counterexample, then naive-save's on each database.
    for (const layout of layouts) {
      expect(layout.figures.map((f) => [f.lanes, f.statements, f.failed, f.won, f.waited])).toEqual([
        [2, 8, 1, 1, 1],
        [3, 7, 1, 1, 1],
        [3, 7, 1, 1, 1],
      ]);
    }
    expect(wide.figures.some((f) => f.scrolls)).toBe(false);
    expect(narrow.figures.every((f) => f.scrolls)).toBe(true);
  });

  it("explore's report: its counterexample's picture, nothing cut off", () => {
    const html = renderExploreReports(exploreSummary(collisionRun()))['report.html']!;
    expect(html).not.toMatch(/<script|\son\w+=/i);
    const layouts = layoutInChromium(html, WIDTHS);
    expectNothingCutOff(layouts);
    for (const layout of layouts) expect(layout.figures.map((f) => [f.lanes, f.failed, f.won, f.waited])).toEqual([[2, 1, 1, 1]]);
  });
});
