import { randomUUID } from 'node:crypto';
import { escapeXml } from './xml.ts';

/**
 * Begins a line of HTML that markdownToHtml passes through as it is: report.html's pictures, placed
 * in the Markdown where they belong. It begins with a control character, which no line the
 * Markdown renderers write begins with (their lines begin with their own words or Markdown's marks),
 * and holds a token made anew by each process: text from a scenario or a database (an error
 * message, a key) that begins a line can never pass as HTML, whatever it holds.
 */
const RAW_HTML = `\u0000html-${randomUUID()} `;

/** A block of HTML for markdownToHtml to pass through, as Markdown lines: none for ''. */
export function rawHtmlLines(html: string): string[] {
  return html === '' ? [] : [`${RAW_HTML}${html.replace(/\n/g, ' ')}`, ''];
}

/**
 * Turns the subset of Markdown that report.md uses (headings, bullet lists, one table, fenced
 * code, quotes, paragraphs, **bold**, *emphasis* and `code`) into HTML, so report.html says
 * exactly what report.md says.
 */
export function markdownToHtml(markdown: string): string {
  const out: string[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith(RAW_HTML)) {
      out.push(line.slice(RAW_HTML.length));
    } else if (line.startsWith('```')) {
      const code: string[] = [];
      while (i + 1 < lines.length && !lines[i + 1]!.startsWith('```')) code.push(lines[++i]!);
      i++;
      // A command wraps rather than scrolls: it is read and copied whole.
      const wrap = line.slice(3).trim() === 'sh' ? ' class="wrap"' : '';
      out.push(`<pre${wrap}><code>${escapeXml(code.join('\n'))}</code></pre>`);
    } else if (/^#{1,3} /.test(line)) {
      const level = line.indexOf(' ');
      out.push(`<h${level}>${inline(line.slice(level + 1))}</h${level}>`);
    } else if (line.startsWith('- ')) {
      const items: string[] = [line];
      while (i + 1 < lines.length && lines[i + 1]!.startsWith('- ')) items.push(lines[++i]!);
      out.push(`<ul>${items.map((item) => `<li>${inline(item.slice(2))}</li>`).join('')}</ul>`);
    } else if (line.startsWith('|')) {
      const rows: string[] = [line];
      while (i + 1 < lines.length && lines[i + 1]!.startsWith('|')) rows.push(lines[++i]!);
      out.push(table(rows));
    } else if (line.startsWith('> ')) {
      out.push(`<blockquote>${inline(line.slice(2))}</blockquote>`);
    } else if (line.trim() !== '') {
      out.push(`<p>${inline(line)}</p>`);
    }
  }
  return out.join('\n');
}

/** The cells of a Markdown table row, with `\|` unescaped. */
export function cells(row: string): string[] {
  return row
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim().replace(/\\\|/g, '|'));
}

function table(rows: string[]): string {
  const [header, , ...body] = rows;
  const head = `<tr>${cells(header!).map((c) => `<th>${inline(c)}</th>`).join('')}</tr>`;
  const table = `<table>${head}${body.map((row) => `<tr>${cells(row).map((c) => `<td>${inline(c)}</td>`).join('')}</tr>`).join('')}</table>`;
  return scrollBox('table', table);
}

/**
 * Wide content (a table of two databases, a chart, a picture) scrolls sideways in a box of its own
 * rather than run off the page. The box takes the keyboard's focus, so that it scrolls without a
 * mouse too.
 */
export function scrollBox(label: string, html: string): string {
  return `<div class="scroll" role="region" tabindex="0" aria-label="${escapeXml(label)}, scrolls sideways">${html}</div>`;
}

function inline(text: string): string {
  return escapeXml(text)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/\*([^*]+)\*/g, '<em>$1</em>');
}
