/**
 * The chart of report.html, as inline SVG: each scenario's violation rate against the key space,
 * its 95% interval as a band, and beside it the analytic bound of chance, (W−1)/(K−L) same-key
 * draws per op. Drawn only for a sweep of the key space: one point per scenario is no curve. A
 * ring marks the point whose run the evidence below the chart comes from (a scenario's first
 * violation and its timeline), so the reader knows which key space that example is of.
 */
import { allFindings, evidenceFindings, showsEvidence, type ReportInput } from '../harness/report-input.ts';
import { liveQuotasFor } from '../harness/occupancy.ts';
import { percent } from './format.ts';
import { escapeXml } from './xml.ts';

const PLOT_WIDTH = 550;
const HEIGHT = 360;
const PAD = { left: 64, top: 20, bottom: 48 };
/** A generous width per character of the legend's 12 px labels, so no name is clipped. */
const LEGEND_CHAR_PX = 7.5;
const CHANCE_LABEL = '- - chance bound (W−1)/(K−L)';
const EVIDENCE_LABEL = '○ the run of the evidence below';
const COLOURS = ['#c0392b', '#2471a3', '#1e8449', '#7d3c98', '#b9770e', '#117a65', '#5d6d7e'];

interface Point {
  scenario: string;
  keySpace: number;
  value: number;
  low: number;
  high: number;
  /** True for the run whose evidence (first violation, timeline) the report shows. */
  evidence: boolean;
}

export function renderChart(input: ReportInput): string {
  const shown = new Set(evidenceFindings(input).flatMap(({ finding }) => (showsEvidence(finding) ? [finding] : [])));
  const points: Point[] = allFindings(input)
    .filter(({ point }) => point.config.keys === 'shrunk')
    .map(({ finding, point }) => ({ scenario: finding.scenario.name, keySpace: point.config.keySpace, ...finding.rate, evidence: shown.has(finding) }));
  if (points.length === 0) return '<p>No chart: the rate against the key space needs --keys shrunk.</p>';
  // Only where chance predicts anything: not for an amplified run (report-input.ts).
  const analytic = input.points
    .filter((point) => point.config.keys === 'shrunk' && point.expectation !== undefined)
    .map((point) => {
      const live = liveQuotasFor(point.config).reduce((a, b) => a + b, 0);
      return { keySpace: point.config.keySpace, value: Math.min(1, (point.config.workers - 1) / Math.max(point.config.keySpace - live, 1)) };
    })
    .sort((a, b) => a.keySpace - b.keySpace);
  const keySpaces = points.map((p) => p.keySpace);
  const minK = Math.min(...keySpaces);
  const maxK = Math.max(...keySpaces);
  const maxRate = Math.max(...points.map((p) => p.high), ...analytic.map((a) => a.value), 0.001);
  const x = (k: number) =>
    minK === maxK ? PAD.left + PLOT_WIDTH / 2 : PAD.left + ((Math.log(k) - Math.log(minK)) / (Math.log(maxK) - Math.log(minK))) * PLOT_WIDTH;
  const y = (rate: number) => HEIGHT - PAD.bottom - (rate / maxRate) * (HEIGHT - PAD.top - PAD.bottom);

  const scenarios = [...new Set(points.map((p) => p.scenario))];
  const anyEvidence = points.some((p) => p.evidence);
  const legendWidth = 24 + LEGEND_CHAR_PX * Math.max(...[...scenarios, CHANCE_LABEL, ...(anyEvidence ? [EVIDENCE_LABEL] : [])].map((label) => label.length + 2));
  const WIDTH = PAD.left + PLOT_WIDTH + legendWidth;
  const PAD_RIGHT = legendWidth;
  const series = scenarios.map((scenario, index) => {
    const colour = COLOURS[index % COLOURS.length]!;
    const own = points.filter((p) => p.scenario === scenario).sort((a, b) => a.keySpace - b.keySpace);
    const band = [...own.map((p) => `${x(p.keySpace)},${y(p.high)}`), ...[...own].reverse().map((p) => `${x(p.keySpace)},${y(p.low)}`)].join(' ');
    const dots = own
      .map((p) => {
        const evidence = p.evidence ? '; the evidence below comes from this run' : '';
        const title = `<title>${escapeXml(scenario)}: ${percent(p.value)} [${percent(p.low)}, ${percent(p.high)}] at key space ${p.keySpace}${evidence}</title>`;
        const ring = p.evidence ? `<circle class="evidence" cx="${x(p.keySpace)}" cy="${y(p.value)}" r="8" fill="none" stroke="${colour}" stroke-width="2">${title}</circle>` : '';
        return `<circle class="point" data-scenario="${escapeXml(scenario)}" data-key-space="${p.keySpace}" data-rate="${p.value}"${p.evidence ? ' data-evidence="true"' : ''} cx="${x(p.keySpace)}" cy="${y(p.value)}" r="4" fill="${colour}">${title}</circle>${ring}`;
      })
      .join('');
    const line = own.length > 1 ? `<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${own.map((p) => `${x(p.keySpace)},${y(p.value)}`).join(' ')}"/>` : '';
    const legend = `<text x="${WIDTH - PAD_RIGHT + 12}" y="${PAD.top + 16 * index + 10}" fill="${colour}" font-size="12">● ${escapeXml(scenario)}</text>`;
    return `<g class="series"><polygon class="band" points="${band}" fill="${colour}" fill-opacity="0.15" stroke="${colour}" stroke-opacity="0.3"/>${line}${dots}${legend}</g>`;
  });
  const legendRows = scenarios.length + (analytic.length > 0 ? 1 : 0);
  const evidenceLegend = anyEvidence ? `<text x="${WIDTH - PAD_RIGHT + 12}" y="${PAD.top + 16 * legendRows + 10}" fill="#333" font-size="12">${EVIDENCE_LABEL}</text>` : '';
  const curve =
    analytic.length > 0
      ? `<polyline class="analytic" fill="none" stroke="#555" stroke-dasharray="5 4" points="${analytic.map((a) => `${x(a.keySpace)},${y(a.value)}`).join(' ')}"/>` +
        analytic.map((a) => `<circle cx="${x(a.keySpace)}" cy="${y(a.value)}" r="2" fill="#555"/>`).join('') +
        `<text x="${WIDTH - PAD_RIGHT + 12}" y="${PAD.top + 16 * scenarios.length + 10}" fill="#555" font-size="12">${CHANCE_LABEL}</text>`
      : '';
  const ticks = [...new Set(keySpaces)]
    .sort((a, b) => a - b)
    .map((k) => `<text x="${x(k)}" y="${HEIGHT - PAD.bottom + 18}" text-anchor="middle" font-size="11">${k}</text>`)
    .join('');
  const yTicks = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => `<text x="${PAD.left - 8}" y="${y(f * maxRate) + 4}" text-anchor="end" font-size="11">${percent(f * maxRate)}</text>`)
    .join('');
  return [
    `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="violation rate against key space">`,
    `<line x1="${PAD.left}" y1="${HEIGHT - PAD.bottom}" x2="${WIDTH - PAD_RIGHT}" y2="${HEIGHT - PAD.bottom}" stroke="#333"/>`,
    `<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${HEIGHT - PAD.bottom}" stroke="#333"/>`,
    ticks,
    yTicks,
    `<text x="${(WIDTH - PAD_RIGHT + PAD.left) / 2}" y="${HEIGHT - 8}" text-anchor="middle" font-size="12">key space (log scale)</text>`,
    curve,
    ...series,
    evidenceLegend,
    '</svg>',
  ].join('\n');
}
