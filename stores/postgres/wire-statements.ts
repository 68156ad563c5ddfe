/**
 * The SQL in bytes a client writes to a PostgreSQL server: the text of each simple Query ('Q')
 * and extended-protocol Parse ('P') message in the chunk. Anything else (the startup message, a
 * password, Bind, Execute, Sync) names no statement. A chunk that is not a run of whole messages
 * stops the reading there: it is how a driver racelab does not intercept is named, never decided.
 */
export function postgresWireStatements(chunk: Uint8Array): string[] {
  const texts: string[] = [];
  const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  let at = 0;
  while (at + 5 <= chunk.length) {
    const type = chunk[at]!;
    const length = view.getInt32(at + 1);
    // Message types are ASCII letters; the startup message begins with its length's zero byte.
    if (type < 0x41 || type > 0x7a || length < 4 || at + 1 + length > chunk.length) break;
    const body = chunk.subarray(at + 5, at + 1 + length);
    if (type === 0x51 /* Q */) texts.push(cString(body, 0));
    else if (type === 0x50 /* P */) {
      const nameEnd = body.indexOf(0);
      if (nameEnd >= 0) texts.push(cString(body, nameEnd + 1));
    }
    at += 1 + length;
  }
  return texts.filter((text) => text.trim() !== '');
}

function cString(bytes: Uint8Array, from: number): string {
  const end = bytes.indexOf(0, from);
  return Buffer.from(bytes.subarray(from, end < 0 ? bytes.length : end)).toString('utf8');
}
