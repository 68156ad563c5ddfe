import { cells } from './markdown-to-html.ts';

/**
 * Turns the subset of Markdown that report.md uses (headings, bullet lists, tables, fenced code,
 * quotes, paragraphs, **bold**, *emphasis* and `code`) into Trac wiki syntax, the markup of
 * Django's own tracker, so the same evidence pastes into a Trac ticket as it is.
 */
export function markdownToTrac(markdown: string): string {
  const out: string[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('```')) {
      const language = line.slice(3).trim();
      out.push('{{{');
      // Trac's processor line: `#!sh` highlights shell; plain text needs none.
      if (language !== '' && language !== 'text') out.push(`#!${language}`);
      while (i + 1 < lines.length && !lines[i + 1]!.startsWith('```')) out.push(lines[++i]!);
      i++;
      out.push('}}}');
    } else if (/^#{1,3} /.test(line)) {
      const level = line.indexOf(' ');
      const marks = '='.repeat(level);
      out.push(`${marks} ${inline(line.slice(level + 1))} ${marks}`);
    } else if (line.startsWith('- ')) {
      out.push(` * ${inline(line.slice(2))}`);
    } else if (line.startsWith('|')) {
      const rows: string[] = [line];
      while (i + 1 < lines.length && lines[i + 1]!.startsWith('|')) rows.push(lines[++i]!);
      out.push(...table(rows));
    } else if (line.startsWith('> ')) {
      // Indented text is Trac's quotation.
      out.push(`  ${inline(line.slice(2))}`);
    } else {
      out.push(line.trim() === '' ? '' : inline(line));
    }
  }
  return out.join('\n');
}

function table(rows: string[]): string[] {
  const [header, , ...body] = rows;
  return [
    `||${cells(header!).map((c) => `= ${inline(c)} =`).join('||')}||`,
    ...body.map((row) => `||${cells(row).map((c) => ` ${inline(c)} `).join('||')}||`),
  ];
}

/** Inline markup; text outside code is guarded against Trac's automatic WikiName links. */
function inline(text: string): string {
  return text
    .split(/(`[^`]+`)/)
    .map((part) =>
      part.startsWith('`')
        ? `{{{${part.slice(1, -1)}}}}`
        : part
            // Trac's own rule for WikiPageNames: IntegrityError is one, PostgreSQL is not.
            .replace(/\b([A-Z][a-z]+(?:[A-Z][a-z]*[a-z])+)\b/g, '!$1')
            .replace(/\*\*([^*]+)\*\*/g, "'''$1'''")
            .replace(/\*([^*]+)\*/g, "''$1''"),
    )
    .join('');
}
