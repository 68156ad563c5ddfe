import { describe, expect, it } from 'vitest';
import { truncateMarkdown } from './truncate-markdown.ts';

const TEXT = '# title\n\ntext\n\n```text\nline one\nline two\n```\n\nafter\n';

describe('truncateMarkdown', () => {
  it('leaves a text that fits as it is', () => {
    expect(truncateMarkdown(TEXT, Buffer.byteLength(TEXT), 'cut')).toBe(TEXT);
  });

  it('keeps whole lines and ends with the note, within the limit', () => {
    const cut = truncateMarkdown(TEXT, 30, 'cut');
    expect(cut).toBe('# title\n\ntext\n\n\ncut\n');
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(30);
  });

  it('closes a fence the cut left open, so that the note is not code', () => {
    const cut = truncateMarkdown(TEXT, 44, 'cut');
    expect(cut).toBe('# title\n\ntext\n\n```text\nline one\n```\n\ncut\n');
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(44);
  });

  it('counts bytes of UTF-8, not characters', () => {
    const text = `${'→'.repeat(10)}\n${'→'.repeat(10)}\n`;
    // 31 bytes a line: the second does not fit in 40 with the note.
    expect(truncateMarkdown(text, 40, 'cut')).toBe(`${'→'.repeat(10)}\n\ncut\n`);
  });
});
