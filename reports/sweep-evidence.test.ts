/**
 * A sweep shows one example per scenario (its first violation and timeline) from one of its values:
 * every output names that value beside the evidence, and the table and the chart say which it is.
 * Fixture values decided by the real `decide`; no database.
 */
import { describe, expect, it } from 'vitest';
import { collisionSteps, findingOf, inputOf, integrityErrorSample } from '../test/report-fixtures.ts';
import type { Expectation } from '../harness/contract/outcomes.ts';
import { renderChart } from './chart.ts';
import { renderGithubSummary } from './github-summary.ts';
import { renderMarkdown } from './markdown.ts';
import { renderTerminal } from './terminal.ts';

/** naive-save held at key space 4 and collided at 8 and 16; atomic-create held at every value. */
function sweep(naiveExpects: Expectation = 'unsafe') {
  const naive = (collisions: number) =>
    findingOf({
      name: 'naive-save',
      expect: naiveExpects,
      outcomes: { integrity_error: collisions },
      windows: 40,
      ...(collisions > 0 && { samples: [integrityErrorSample()], steps: collisionSteps() }),
    });
  const held = () => findingOf({ name: 'atomic-create', expect: 'safe', windows: 40 });
  return inputOf({
    sweep: { parameter: 'key-space', values: [4, 8, 16] },
    points: [
      { value: 4, findings: [naive(0), held()] },
      { value: 8, findings: [naive(5), held()] },
      { value: 16, findings: [naive(2), held()] },
    ],
  });
}

describe("a sweep's evidence names the value it comes from", () => {
  it("in the terminal: the table's last column, and the evidence below it", () => {
    const text = renderTerminal(sweep(), 'report.json', 200);
    expect(text).toMatch(/^scenario +key-space=4 +key-space=8 +key-space=16 +evidence below$/m);
    expect(text).toMatch(/^naive-save +0% .* from key-space=8$/m);
    expect(text).toMatch(/^atomic-create +0% .* from key-space=4$/m);
    expect(text).toContain('First IntegrityError, as PostgreSQL reported it (naive-save at key-space=8, worker 1, op 3, 12 ms into the run):');
    expect(text).toMatch(/^atomic-create at key-space=4: no violation in 200 ops/m);
  });

  it('in report.md: the row it comes from, and the heading of the evidence', () => {
    const markdown = renderMarkdown(sweep());
    expect(markdown).toMatch(/^\| naive-save \| 4 \| unsafe /m);
    expect(markdown).toMatch(/^\| naive-save \| 8 \(evidence below\) \| unsafe /m);
    expect(markdown).toMatch(/^\| naive-save \| 16 \| unsafe /m);
    // A scenario that held everywhere has no example below.
    expect(markdown).not.toMatch(/^\| atomic-create \| \d+ \(evidence below\)/m);
    expect(markdown).toContain('### naive-save at key-space=8: first IntegrityError, as PostgreSQL reported it');
    expect(markdown).toContain('naive-save at key-space=8: first IntegrityError, as PostgreSQL reported it\n\nnaive-save, worker 1, op 3');
  });

  it("in report.html's chart: a ring on that point, said in its title and the legend", () => {
    const chart = renderChart(sweep());
    const marked = [...chart.matchAll(/<circle class="point" data-scenario="([a-z-]+)" data-key-space="(\d+)"[^>]* data-evidence="true"/g)].map((m) => `${m[1]}@${m[2]}`);
    expect(marked).toEqual(['naive-save@8']);
    expect(chart.match(/<circle class="evidence"/g)).toHaveLength(1);
    expect(chart).toContain('at key space 8; the evidence below comes from this run</title>');
    expect(chart).toContain('○ the run of the evidence below</text>');
  });

  it("in the gate's job summary: the first failing check's evidence", () => {
    const summary = renderGithubSummary(sweep('safe'), undefined);
    expect(summary).toContain('#### naive-save at key-space=8: first IntegrityError, as PostgreSQL reported it');
  });
});
