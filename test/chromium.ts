import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's Chromium, or CHROMIUM_PATH: .ci/run installs it; a laptop without it skips the check. */
export const CHROMIUM = [process.env['CHROMIUM_PATH'], '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (path): path is string => path !== undefined && existsSync(path),
);

/** Flags for a headless run on a closed network, as root, with a fresh profile. */
function flags(profile: string): string[] {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${profile}`,
  ];
}

/** Loads a page in headless Chromium: the DOM it built, and a screenshot of it. */
export function renderInChromium(file: string, screenshot: string): string {
  const profile = mkdtempSync(join(tmpdir(), 'racelab-chromium-'));
  try {
    const url = `file://${file}`;
    execFileSync(CHROMIUM!, [...flags(profile), '--window-size=1200,2400', `--screenshot=${screenshot}`, url], { stdio: 'ignore', timeout: 60_000 });
    return execFileSync(CHROMIUM!, [...flags(profile), '--dump-dom', url], { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'] });
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** What a page looks like at one width, as measured in it (see LAYOUT_SCRIPT). */
export interface PageLayout {
  /** The frame's width, and the width its content gets (less a vertical scrollbar). */
  width: number;
  viewport: number;
  /** Elements that reach past the viewport with no box of their own to scroll them into view. */
  cutOff: string[];
  /** Every table, each scrolled to its end: whether its last column is then in view, and its heading. */
  tables: { scrolls: boolean; lastColumnInView: boolean; lastHeading: string }[];
  /** Every swimlane picture, scrolled likewise: its drawn width against its own, and its marks. */
  figures: { drawnWidth: number; ownWidth: number; scrolls: boolean; endInView: boolean; lanes: number; statements: number; failed: number; won: number; waited: number }[];
}

/**
 * Runs in a wrapper page around the report's frames, never in the report (which has no script): for
 * each frame, every element either lies within the viewport or inside a box that scrolls sideways
 * (its overflow-x auto or scroll) and is reachable by scrolling it; then each table and picture is
 * scrolled to its end, to see that its last column comes into view.
 */
const LAYOUT_SCRIPT = `
function measure(frame) {
  const win = frame.contentWindow, doc = win.document;
  const viewport = doc.documentElement.clientWidth;
  const scrolls = (el) => ['auto', 'scroll'].includes(win.getComputedStyle(el).overflowX);
  const boxOf = (el) => { let box = el.parentElement; while (box && box !== doc.body && !scrolls(box)) box = box.parentElement; return box === doc.body ? null : box; };
  const name = (el) => el.tagName.toLowerCase() + (el.getAttribute('class') ? '.' + el.getAttribute('class') : '') + ' "' + (el.textContent || '').trim().slice(0, 40) + '"';
  const cutOff = [];
  if (doc.documentElement.scrollWidth > viewport) cutOff.push('the page is ' + doc.documentElement.scrollWidth + ' px wide');
  for (const el of doc.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    const box = boxOf(el);
    if (!box) {
      if (r.right > viewport + 0.5 || r.left < -0.5) cutOff.push(name(el) + ' spans ' + Math.round(r.left) + '..' + Math.round(r.right));
    } else {
      const b = box.getBoundingClientRect();
      if (r.right - b.left + box.scrollLeft > box.scrollWidth + 0.5) cutOff.push(name(el) + ' lies beyond the end of its scrolling box');
    }
  }
  const toEnd = (box) => { const scrolled = box.scrollWidth > box.clientWidth; box.scrollLeft = box.scrollWidth; return scrolled; };
  const inView = (el, box) => { const r = el.getBoundingClientRect(), b = box.getBoundingClientRect(); return r.right <= b.right + 1 && r.right <= viewport + 1; };
  const tables = [...doc.querySelectorAll('table')].map((table) => {
    const box = boxOf(table) || doc.documentElement;
    const last = table.rows[0].cells[table.rows[0].cells.length - 1];
    return { scrolls: toEnd(box), lastColumnInView: inView(last, box), lastHeading: last.textContent };
  });
  const figures = [...doc.querySelectorAll('figure.swimlanes')].map((figure) => {
    const svg = figure.querySelector('svg');
    const box = boxOf(svg) || doc.documentElement;
    const count = (selector) => svg.querySelectorAll(selector).length;
    return {
      drawnWidth: Math.round(svg.getBoundingClientRect().width), ownWidth: Number(svg.getAttribute('width')),
      scrolls: toEnd(box), endInView: inView(svg, box),
      lanes: count('g.lane'), statements: count('g.statement'), failed: count('[data-role="failed"]'), won: count('[data-role="won"]'), waited: count('[data-waited-for]'),
    };
  });
  return { width: frame.clientWidth, viewport, cutOff, tables, figures };
}
window.addEventListener('load', () => {
  document.getElementById('layout').textContent = JSON.stringify([...document.querySelectorAll('iframe')].map(measure));
});`;

const attribute = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

/**
 * Lays `html` out in headless Chromium at each of `widths` (in CSS pixels) and measures it. The page
 * goes into frames of those widths (a headless window is never narrower than 500 px) inside a
 * wrapper page that carries the measuring script; `screenshot`, when given, is a picture of them.
 */
export function layoutInChromium(html: string, widths: readonly number[], screenshot?: string): PageLayout[] {
  const dir = mkdtempSync(join(tmpdir(), 'racelab-layout-'));
  try {
    const frames = widths.map((width) => `<iframe style="border:0;display:block;width:${width}px;height:1400px" srcdoc="${attribute(html)}"></iframe>`);
    writeFileSync(join(dir, 'layout.html'), `<!doctype html><html><body style="margin:0">${frames.join('')}<pre id="layout"></pre><script>${LAYOUT_SCRIPT}</script></body></html>`);
    const url = `file://${join(dir, 'layout.html')}`;
    const profile = join(dir, 'profile');
    const size = `--window-size=${Math.max(...widths) + 20},${1400 * widths.length + 100}`;
    if (screenshot) execFileSync(CHROMIUM!, [...flags(profile), size, `--screenshot=${screenshot}`, url], { stdio: 'ignore', timeout: 60_000 });
    const dom = execFileSync(CHROMIUM!, [...flags(profile), size, '--dump-dom', url], { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'] });
    const text = /<pre id="layout">([^<]*)<\/pre>/.exec(dom)?.[1];
    if (!text) throw new Error('headless Chromium left no layout measured');
    return JSON.parse(text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')) as PageLayout[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
