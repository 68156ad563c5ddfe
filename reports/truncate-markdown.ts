const CLOSE_FENCE = '```\n';

/**
 * `text` within `limit` bytes of UTF-8: unchanged when it fits; else its first whole lines, a code
 * fence the cut left open closed (so that `note` does not read as code), and `note` last.
 * WARNING: `limit` must leave room for the note and a closing fence; the note alone is never cut.
 */
export function truncateMarkdown(text: string, limit: number, note: string): string {
  if (Buffer.byteLength(text) <= limit) return text;
  const tail = `\n${note}\n`;
  // Room for the closing fence is kept whether or not one is needed: the cut is decided in one pass.
  let used = Buffer.byteLength(tail) + CLOSE_FENCE.length;
  let open = false;
  const kept: string[] = [];
  for (const line of text.split('\n')) {
    const size = Buffer.byteLength(line) + 1;
    if (used + size > limit) break;
    kept.push(line);
    used += size;
    if (line.startsWith('```')) open = !open;
  }
  return `${kept.join('\n')}\n${open ? CLOSE_FENCE : ''}${tail}`;
}
