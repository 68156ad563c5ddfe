/**
 * report.html's picture of a race, as inline SVG: a lane per worker, each statement a bar on one
 * clock from when it was sent (or released) to when its result came back, the statement that
 * failed and the one it collided with marked in words as well as colour, and the statements that
 * waited for a lock hatched. The marks come decided with the statements (swimlane-sources.ts); they
 * are only drawn here.
 */
import { count } from './format.ts';
import { scrollBox } from './markdown-to-html.ts';
import { escapeXml } from './xml.ts';

/** One statement, as a bar in its worker's lane. */
export interface LaneStatement {
  /** The worker, counted from 1: its lane is `worker N`. */
  worker: number;
  /** What it was: `op3 insert(k5)`. */
  label: string;
  start: number;
  end: number;
  /** What it returned, or the error it raised. */
  result: string;
  /** `failed`: it raised the op's error; `won`: the other op's write the failed statement collided with. */
  role?: 'failed' | 'won';
  /** Set when it waited for a lock: what it waited for, as `waited for …` ends (`w2 op5 insert`, `a lock`). */
  waitedFor?: string;
  /** The SQL it sent, for its tooltip. */
  sql?: string;
}

/** Which clock the bars are on: stress mode's shared monotonic clock, or explore's order of releases. */
export type LaneClock = 'microseconds' | 'release-order';

export interface Swimlanes {
  /** Unique within the page: the SVG's own ids (title, description, pattern) begin with it. */
  id: string;
  /** What the picture shows, for its title: `naive-save: first IntegrityError`. */
  subject: string;
  clock: LaneClock;
  statements: readonly LaneStatement[];
  /** What the marks could not say, in a sentence: e.g. that the statement the failure collided with is unknown. */
  note?: string;
}

/** The words of the horizontal axis, what a bar spans, and the unit a span is given in. */
export const CLOCK_WORDS: Record<LaneClock, { axis: string; bar: string; unit: string }> = {
  microseconds: { axis: 'time in µs from the first statement shown, one clock for every worker', bar: 'from when it was sent to when its result came back', unit: 'µs' },
  'release-order': { axis: 'release order: the run’s logical clock, one tick per step released or completed', bar: 'from its release to its completion', unit: 'ticks' },
};

export const MARK_WORDS = { failed: '✗ failed', won: '◀ won', waited: 'waited for' } as const;

/** Monospace 12 px is about 7.2 px a character, taken as 7.3 so that no label overruns its room. */
const FONT_SIZE = 12;
const CHAR_PX = 7.3;
const PLOT_WIDTH = 400;
const ROW = 22;
const LANE_HEADING = 22;
const TOP = 26;
const AXIS = 44;
const GAP = 14;
/** Room after the plot for a mark beside a bar that ends at its right edge. */
const GLYPH = 16;
/** Longer labels and results are cut (the whole text is in the bar's tooltip and the text timeline). */
const LABEL_CHARS = 36;
const RESULT_CHARS = 32;
const MIN_BAR_PX = 2;

const FILL = { plain: '#5d6d7e', failed: '#c0392b', won: '#2471a3' } as const;
const STROKE = { failed: '#641e16', won: '#0b2e4f' } as const;

/** Coordinates to a tenth of a pixel: finer says nothing, and 25.000000000000057 is noise in the file. */
const px = (value: number) => Math.round(value * 10) / 10;
const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** What the right-hand column says of a statement: its result, then its marks. */
function resultWords(s: LaneStatement): string {
  const marks = [s.role && MARK_WORDS[s.role], s.waitedFor !== undefined && `${MARK_WORDS.waited} ${s.waitedFor}`].filter(Boolean);
  const result = `→ ${cut(oneLine(s.result), RESULT_CHARS)}`;
  return marks.length === 0 ? result : `${result}  ${marks.join('; ')}`;
}

/** The statement in a sentence, for the description a screen reader reads and the bar's tooltip. */
function sentence(s: LaneStatement, unit: string): string {
  const marks = [s.role === 'failed' && 'failed', s.role === 'won' && 'won: the failed statement collided with it', s.waitedFor !== undefined && `${MARK_WORDS.waited} ${s.waitedFor}`];
  return [`${s.label} from ${count(s.start)} to ${count(s.end)} ${unit}, → ${oneLine(s.result)}`, ...marks.filter(Boolean)].join(', ');
}

/** Round steps of 1, 2 or 5 × 10^n, about six of them across `span`; whole ticks on the release order. */
function tickStep(span: number, clock: LaneClock): number {
  const rough = span / 6;
  const magnitude = 10 ** Math.floor(Math.log10(Math.max(rough, 1e-9)));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough)!;
  return clock === 'release-order' ? Math.max(1, Math.round(step)) : step;
}

/**
 * The SVG of `lanes`, or '' when it has no statement: nothing to draw. Its width is its natural
 * size (the page scrolls it in its own box rather than shrink its text); print scales it to the page.
 */
export function renderSwimlanes(lanes: Swimlanes): string {
  const { statements, clock, id } = lanes;
  if (statements.length === 0) return '';
  const { axis, bar: spans, unit } = CLOCK_WORDS[clock];
  const workers = [...new Set(statements.map((s) => s.worker))].sort((a, b) => a - b);
  const laneOf = (worker: number) => statements.filter((s) => s.worker === worker).sort((a, b) => a.start - b.start || a.end - b.end);

  const labelWidth = GAP + CHAR_PX * Math.max(...statements.map((s) => cut(s.label, LABEL_CHARS).length), `worker ${workers.at(-1)}`.length) + GAP;
  const resultWidth = GLYPH + GAP + CHAR_PX * Math.max(...statements.map((s) => resultWords(s).length), 'result'.length) + GAP;
  const plotX = px(labelWidth);
  const resultX = px(plotX + PLOT_WIDTH + GLYPH + GAP);
  // The axis's words may reach past a narrow result column.
  const width = Math.ceil(Math.max(labelWidth + PLOT_WIDTH + resultWidth, labelWidth + CHAR_PX * axis.length + GAP));
  const height = TOP + workers.length * LANE_HEADING + statements.length * ROW + AXIS;

  const from = Math.min(0, ...statements.map((s) => s.start));
  const to = Math.max(...statements.map((s) => s.end), from + 1);
  const x = (t: number) => px(plotX + ((t - from) / (to - from)) * PLOT_WIDTH);
  const plotBottom = height - AXIS;

  const step = tickStep(to - from, clock);
  const ticks: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to + step * 1e-9; t += step) ticks.push(t);
  const grid = ticks
    .map((t) => `<line x1="${x(t)}" y1="${TOP}" x2="${x(t)}" y2="${plotBottom}" stroke="#ddd"/><text class="tick" x="${x(t)}" y="${plotBottom + 16}" text-anchor="middle">${count(Number(t.toPrecision(12)))}</text>`)
    .join('');

  let y = TOP;
  const laneGroups = workers.map((worker, index) => {
    const own = laneOf(worker);
    const laneHeight = LANE_HEADING + own.length * ROW;
    const band = `<rect class="lane-band" x="0" y="${y}" width="${width}" height="${laneHeight}" fill="${index % 2 === 0 ? '#f4f6f7' : '#fff'}"/>`;
    const heading = `<text class="lane-label" x="${GAP / 2}" y="${y + 15}" font-weight="bold">worker ${worker}</text>`;
    const rows = own.map((s, row) => {
      const top = y + LANE_HEADING + row * ROW;
      const barX = x(s.start);
      const barWidth = Math.max(px(x(s.end) - barX), MIN_BAR_PX);
      const fill = FILL[s.role ?? 'plain'];
      const stroke = s.role ? ` stroke="${STROKE[s.role]}" stroke-width="2"` : '';
      const bar = `<rect class="bar" x="${barX}" y="${top + 4}" width="${barWidth}" height="${ROW - 8}" fill="${fill}"${stroke}/>`;
      const wait = s.waitedFor === undefined ? '' : `<rect class="wait" x="${barX}" y="${top + 4}" width="${barWidth}" height="${ROW - 8}" fill="url(#${id}-wait)"/>`;
      // The mark beside the bar too, so that the plot reads without the colours.
      const glyph = s.role ? `<text class="glyph" x="${px(barX + barWidth + 4)}" y="${top + 15}" font-weight="bold" fill="${STROKE[s.role]}">${s.role === 'failed' ? '✗' : '◀'}</text>` : '';
      const label = `<text class="statement-label" x="${GAP}" y="${top + 15}">${escapeXml(cut(s.label, LABEL_CHARS))}</text>`;
      const result = `<text class="result" x="${resultX}" y="${top + 15}"${s.role ? ' font-weight="bold"' : ''}>${escapeXml(resultWords(s))}</text>`;
      const tooltip = `<title>${escapeXml(`w${s.worker} ${sentence(s, unit)}${s.sql === undefined ? '' : `; SQL: ${oneLine(s.sql)}`}`)}</title>`;
      const data = `data-worker="${s.worker}"${s.role ? ` data-role="${s.role}"` : ''}${s.waitedFor === undefined ? '' : ` data-waited-for="${escapeXml(s.waitedFor)}"`}`;
      return `<g class="statement" ${data}>${tooltip}${label}${bar}${wait}${glyph}${result}</g>`;
    });
    const group = `<g class="lane" data-worker="${worker}">${band}${heading}${rows.join('')}</g>`;
    y += laneHeight;
    return group;
  });

  const description = [
    `One lane per worker; each statement is a bar ${spans}, on one clock (${axis}).`,
    ...workers.map((worker) => `Worker ${worker}: ${laneOf(worker).map((s) => sentence(s, unit)).join('; ')}.`),
    ...(lanes.note === undefined ? [] : [lanes.note]),
  ].join(' ');
  const title = `Swimlanes of ${lanes.subject}`;
  return [
    `<svg class="swimlanes" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${id}-title ${id}-desc" font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace" font-size="${FONT_SIZE}" data-clock="${clock}">`,
    `<title id="${id}-title">${escapeXml(title)}</title>`,
    `<desc id="${id}-desc">${escapeXml(description)}</desc>`,
    // White stripes over the bar's own colour: a wait reads on any bar, and in black and white.
    `<defs><pattern id="${id}-wait" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)"><rect width="3" height="6" fill="#fff" fill-opacity="0.75"/></pattern></defs>`,
    `<text x="${GAP}" y="${TOP - 9}" font-weight="bold">statement</text>`,
    `<text x="${resultX}" y="${TOP - 9}" font-weight="bold">result</text>`,
    ...laneGroups,
    `<g class="axis">${grid}<line x1="${plotX}" y1="${plotBottom}" x2="${px(plotX + PLOT_WIDTH)}" y2="${plotBottom}" stroke="#333"/>`,
    `<text class="axis-label" x="${plotX}" y="${plotBottom + 34}">${escapeXml(axis)}</text></g>`,
    '</svg>',
  ].join('');
}

/**
 * The picture in a figure of its own: the SVG in a box that scrolls sideways when the page is
 * narrower than it, and a caption that says in words what the marks mean.
 */
export function swimlaneFigure(lanes: Swimlanes): string {
  const svg = renderSwimlanes(lanes);
  if (svg === '') return '';
  const { unit } = CLOCK_WORDS[lanes.clock];
  const legend = `A lane per worker; each bar is a statement, on one clock (${unit === 'µs' ? 'microseconds' : 'the order steps were released and completed'}). ${MARK_WORDS.failed}: the statement that raised the op's error (red, outlined); ${MARK_WORDS.won}: the other op's write it collided with (blue, outlined); a hatched bar ${MARK_WORDS.waited} another op's lock.`;
  return [
    `<figure class="swimlanes" id="${lanes.id}">`,
    scrollBox(`Swimlanes of ${lanes.subject}`, svg),
    `<figcaption>${escapeXml(legend)}${lanes.note === undefined ? '' : ` <strong>${escapeXml(lanes.note)}</strong>`}</figcaption>`,
    '</figure>',
  ].join('');
}
