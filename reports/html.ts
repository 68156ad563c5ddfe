/**
 * report.html: one self-contained file (no script, no network) with the content of report.md, a
 * picture of each race it shows (swimlanes.ts), and a chart of the violation rate against the key
 * space. It reads at any width: what is wider than the page scrolls sideways in a box of its own.
 */
import type { ReportInput } from '../harness/report-input.ts';
import { renderChart } from './chart.ts';
import { renderMarkdown, type EvidencePictures } from './markdown.ts';
import { markdownToHtml, scrollBox } from './markdown-to-html.ts';
import { interleavingSwimlanes, timelineSwimlanes } from './swimlane-sources.ts';
import { swimlaneFigure } from './swimlanes.ts';

const STYLE = `body{font:14px/1.5 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;overflow-wrap:break-word}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}
pre{background:#f6f6f6;padding:.6em;overflow-x:auto}pre.wrap{white-space:pre-wrap;overflow-wrap:anywhere}code{font-size:12px}blockquote{border-left:4px solid #c0392b;margin:0;padding:.2em 1em}
.scroll{overflow-x:auto;max-width:100%}.scroll:focus-visible{outline:2px solid #2471a3}.scroll svg{display:block;max-width:none}
figure.swimlanes{margin:1em 0 1.5em}figcaption{font-size:13px;color:#444;margin-top:.4em}
@media print{body{max-width:none;margin:0;font-size:11px}.scroll{overflow:visible}.scroll svg{max-width:100%;height:auto}
table{font-size:9px}td,th{padding:1px 3px}pre{white-space:pre-wrap;overflow-wrap:anywhere}code,figcaption{font-size:10px}
figure,svg,tr{break-inside:avoid}svg{print-color-adjust:exact;-webkit-print-color-adjust:exact}}`;

export function renderHtml(input: ReportInput): string {
  const body = markdownToHtml(renderMarkdown(input, evidencePictures()));
  // The chart goes after the verdicts and the table, before what was run; only a sweep of the
  // key space has a curve to draw.
  const [before, after] = splitAt(body, '<h2>What was run</h2>');
  const sweptKeySpace = input.sweep?.parameter === 'key-space' && input.points.length > 1;
  const chart = sweptKeySpace ? ['<h2>Violation rate against key space</h2>', scrollBox('chart', renderChart(input))] : [];
  return htmlPage('racelab report', [before, ...chart, after].join('\n'));
}

/** The swimlanes of one page: each with ids of its own, numbered in the order they appear. */
export function evidencePictures(): EvidencePictures {
  let figures = 0;
  return {
    timeline: (subject, timeline) => swimlaneFigure(timelineSwimlanes(`swimlanes-${++figures}`, subject, timeline)),
    interleaving: (subject, run) => swimlaneFigure(interleavingSwimlanes(`swimlanes-${++figures}`, subject, run)),
  };
}

/** A self-contained page around `body`. */
export function htmlPage(title: string, body: string): string {
  return [
    '<!doctype html>',
    // The viewport line keeps a phone from laying the page out 980 px wide and shrinking it.
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
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
