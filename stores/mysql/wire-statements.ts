/**
 * The SQL in bytes a client writes to a MySQL or MariaDB server: the text of each COM_QUERY and
 * COM_STMT_PREPARE packet in the chunk. A command always opens a packet sequence (sequence id 0);
 * the handshake's and authentication's replies never do, so they name no statement. A chunk that
 * is not a run of whole packets stops the reading there.
 */
const COM_QUERY = 0x03;
const COM_STMT_PREPARE = 0x16;

export function mysqlWireStatements(chunk: Uint8Array): string[] {
  const texts: string[] = [];
  let at = 0;
  while (at + 5 <= chunk.length) {
    const length = chunk[at]! | (chunk[at + 1]! << 8) | (chunk[at + 2]! << 16);
    const sequence = chunk[at + 3]!;
    if (length < 1 || at + 4 + length > chunk.length) break;
    const command = chunk[at + 4]!;
    if (sequence === 0 && (command === COM_QUERY || command === COM_STMT_PREPARE)) {
      const text = Buffer.from(chunk.subarray(at + 5, at + 4 + length)).toString('utf8');
      if (text.trim() !== '') texts.push(text);
    }
    at += 4 + length;
  }
  return texts;
}
