/**
 * The fields of the server's messages the proxy reads (PostgreSQL docs, "Message Formats" and
 * "Error and Notice Message Fields"). Each takes a typed message's body.
 */

/** An ErrorResponse's fields by the protocol's own names, the server's words kept verbatim. */
export interface ErrorFields {
  /** SQLSTATE ('C'). */
  code: string;
  /** Primary message ('M'). */
  message: string;
  /** Severity, untranslated when the server sends it ('V', from 9.6), else localized ('S'). */
  severity: string;
  detail?: string;
  constraint?: string;
}

/** Reads an ErrorResponse ('E') or NoticeResponse ('N') body: a field type byte, a C string, …, a zero. */
export function readErrorFields(body: Buffer): ErrorFields {
  const fields = new Map<string, string>();
  let at = 0;
  while (at < body.length && body[at] !== 0) {
    const end = body.indexOf(0, at + 1);
    if (end < 0) break;
    fields.set(String.fromCharCode(body[at]!), body.toString('utf8', at + 1, end));
    at = end + 1;
  }
  const error: ErrorFields = { code: fields.get('C') ?? '', message: fields.get('M') ?? '', severity: fields.get('V') ?? fields.get('S') ?? '' };
  const detail = fields.get('D');
  const constraint = fields.get('n');
  if (detail !== undefined) error.detail = detail;
  if (constraint !== undefined) error.constraint = constraint;
  return error;
}

/** BackendKeyData ('K'): the backend's process id and the secret a CancelRequest must quote. */
export function readBackendKeyData(body: Buffer): { pid: number; secret: Buffer } {
  return { pid: body.readInt32BE(0), secret: Buffer.from(body.subarray(4)) };
}

/** Where the session's transaction stands, by ReadyForQuery's status byte. */
export type TransactionStatus = 'idle' | 'in-transaction' | 'failed';

/** ReadyForQuery ('Z'): 'I' idle, 'T' in a transaction block, 'E' in a failed one. */
export function readReadyForQuery(body: Buffer): TransactionStatus {
  const status = String.fromCharCode(body[0]!);
  return status === 'T' ? 'in-transaction' : status === 'E' ? 'failed' : 'idle';
}

/** ParameterStatus ('S'): a run-time parameter the server reports, such as server_version. */
export function readParameterStatus(body: Buffer): { name: string; value: string } {
  const nameEnd = body.indexOf(0);
  const valueEnd = body.indexOf(0, nameEnd + 1);
  return { name: body.toString('utf8', 0, nameEnd), value: body.toString('utf8', nameEnd + 1, valueEnd < 0 ? body.length : valueEnd) };
}

/** CommandComplete ('C'): its tag, such as `INSERT 0 1` or `SELECT 3`. */
export function readCommandTag(body: Buffer): string {
  const end = body.indexOf(0);
  return body.toString('utf8', 0, end < 0 ? body.length : end);
}

/** A FATAL ErrorResponse the proxy sends itself, as a server refusing a connection does: `E`, its length, its fields. */
export function fatalErrorPacket(code: string, message: string): Buffer {
  const fields = Buffer.concat([...[['S', 'FATAL'], ['V', 'FATAL'], ['C', code], ['M', message]].map(([type, value]) => Buffer.from(`${type}${value}\0`, 'utf8')), Buffer.from([0])]);
  const header = Buffer.alloc(5);
  header.write('E', 0, 'latin1');
  header.writeInt32BE(4 + fields.length, 1);
  return Buffer.concat([header, fields]);
}
