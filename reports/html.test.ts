import { describe, expect, it } from 'vitest';
import { collisionRun, collisionSteps, exploreSummary, findingOf, inputOf, integrityErrorSample, POSTGRES, searchOf, SQLITE } from '../test/report-fixtures.ts';
import { renderExploreReports } from './explore-report.ts';
import { renderHtml } from './html.ts';
import { renderMarkdown } from './markdown.ts';
import { markdownToHtml, rawHtmlLines } from './markdown-to-html.ts';

/** naive-save collided on both databases; atomic-create held on both, and the gate's search found it a counterexample. */
function twoDatabases() {
  const naive = () => findingOf({ name: 'naive-save', expect: 'unsafe', outcomes: { integrity_error: 4 }, windows: 40, samples: [integrityErrorSample()], steps: collisionSteps() });
  const held = () => findingOf({ name: 'atomic-create', expect: 'safe', windows: 40 });
  return inputOf({
    points: [
      { findings: [naive(), held()], database: POSTGRES },
      { findings: [naive(), held()], database: SQLITE },
    ],
    searches: [searchOf('atomic-create', true, { run: collisionRun() })],
  });
}

const figures = (html: string) => [...html.matchAll(/<figure class="swimlanes" id="([^"]+)">.*?<\/figure>/g)];

describe('report.html', () => {
  const html = renderHtml(twoDatabases());

  it('draws a picture after each timeline and each counterexample, each with ids of its own', () => {
    const drawn = figures(html);
    expect(drawn.map((f) => f[1])).toEqual(['swimlanes-1', 'swimlanes-2', 'swimlanes-3']);
    // The counterexample first (the search comes before the evidence), then each database's collision.
    expect(drawn[0]![0]).toContain('aria-label="Swimlanes of the counterexample of atomic-create, scrolls sideways"');
    expect(drawn[1]![0]).toContain(`aria-label="Swimlanes of naive-save on ${POSTGRES.label}: first IntegrityError, scrolls sideways"`);
    expect(drawn[2]![0]).toContain('aria-label="Swimlanes of naive-save on sqlite: first IntegrityError, scrolls sideways"');
    for (const [figure] of drawn) {
      expect(figure).toContain('data-role="failed"');
      expect(figure).toContain('data-role="won"');
    }
    // Each right after the text it draws.
    expect(html.slice(0, html.indexOf(drawn[0]![0])).trimEnd()).toMatch(/outcomes: w1 op1 ok · w2 op1 integrity_error<\/code><\/pre>$/);
    for (const [figure] of drawn.slice(1)) expect(html.slice(0, html.indexOf(figure)).trimEnd()).toMatch(/w3 op7 {5}exists\(k5\) → true<\/code><\/pre>$/);
  });

  it('puts every table in a box that scrolls sideways, and carries no script', () => {
    const tables = html.match(/<table>/g)!.length;
    expect(html.match(/<div class="scroll" role="region" tabindex="0" aria-label="table, scrolls sideways"><table>/g)).toHaveLength(tables);
    expect(tables).toBe(2);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).not.toMatch(/<script|\son\w+=|\u0000/i);
  });

  it('report.md, from the same input, has no picture', () => {
    const markdown = renderMarkdown(twoDatabases());
    expect(markdown).not.toMatch(/<figure|<svg|\u0000/);
  });
});

describe("explore's report.html", () => {
  it('draws the counterexample after its account', () => {
    const html = renderExploreReports(exploreSummary(collisionRun()))['report.html']!;
    const [figure] = figures(html);
    expect(figure?.[0]).toContain('aria-label="Swimlanes of the counterexample of naive-save, scrolls sideways"');
    expect(html.indexOf('<figure')).toBeGreaterThan(html.indexOf('</code></pre>'));
    expect(html.indexOf('<figure')).toBeLessThan(html.indexOf('<h2>What was run</h2>'));
  });

  it('draws nothing for a counterexample with no step, nor without one', () => {
    expect(renderExploreReports(exploreSummary({ ...collisionRun(), steps: [] }))['report.html']).not.toContain('<figure');
    const { counterexample: _none, ...held } = exploreSummary(collisionRun());
    expect(renderExploreReports(held)['report.html']).not.toContain('<figure');
  });
});

describe('markdownToHtml', () => {
  it('passes a block of HTML through as it is, on one line, and escapes the same text anywhere else', () => {
    const block = '<figure>\n<svg>a &amp; b</svg>\n</figure>';
    expect(markdownToHtml(['text <b>', '', ...rawHtmlLines(block), '```text', '<figure>', '```'].join('\n'))).toBe(
      ['<p>text &lt;b&gt;</p>', '<figure> <svg>a &amp; b</svg> </figure>', '<pre><code>&lt;figure&gt;</code></pre>'].join('\n'),
    );
    expect(rawHtmlLines('')).toEqual([]);
  });

  it('passes no line through that only looks like a block of HTML: text from a scenario or a database is escaped', () => {
    const forged = ['\u0000html <script>x()</script>', `${rawHtmlLines('<b>')[0]!.split(' ')[0]}x <script>y()</script>`.replace(/[0-9a-f]{8}-/, '00000000-')];
    const html = markdownToHtml(forged.join('\n\n'));
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;x()');
  });
});
