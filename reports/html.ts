/**
 * report.html: one self-contained file (no script, no network) with the content of report.md and
 * a chart of the violation rate against the key space.
 */
import type { ReportInput } from '../harness/report-input.ts';
import { renderChart } from './chart.ts';
import { renderMarkdown } from './markdown.ts';
import { markdownToHtml } from './markdown-to-html.ts';

const STYLE = `body{font:14px/1.5 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}
pre{background:#f6f6f6;padding:.6em;overflow-x:auto}pre.wrap{white-space:pre-wrap;overflow-wrap:anywhere}code{font-size:12px}blockquote{border-left:4px solid #c0392b;margin:0;padding:.2em 1em}`;

export function renderHtml(input: ReportInput): string {
  const body = markdownToHtml(renderMarkdown(input));
  // The chart goes after the verdicts and the table, before what was run; only a sweep of the
  // key space has a curve to draw.
  const [before, after] = splitAt(body, '<h2>What was run</h2>');
  const sweptKeySpace = input.sweep?.parameter === 'key-space' && input.points.length > 1;
  return htmlPage('racelab report', [before, ...(sweptKeySpace ? ['<h2>Violation rate against key space</h2>', renderChart(input)] : []), after].join('\n'));
}

/** A self-contained page around `body`. */
export function htmlPage(title: string, body: string): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${title}</title><style>${STYLE}</style></head><body>`,
    body,
    '</body></html>',
    '',
  ].join('\n');
}

function splitAt(html: string, marker: string): [string, string] {
  const index = html.indexOf(marker);
  return index === -1 ? [html, ''] : [html.slice(0, index), html.slice(index)];
}
