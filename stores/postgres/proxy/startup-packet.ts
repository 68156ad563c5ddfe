/**
 * What a client's untyped startup-phase packet asks for (PostgreSQL docs, "Message Formats"): a
 * StartupMessage names the protocol version and parameters; SSLRequest, GSSENCRequest and
 * CancelRequest are told apart from it by a code in the version's place.
 */

export const SSL_REQUEST_CODE = 80877103;
export const GSSENC_REQUEST_CODE = 80877104;
export const CANCEL_REQUEST_CODE = 80877102;

export type StartupPacket =
  | { kind: 'startup'; major: number; minor: number; parameters: Record<string, string> }
  | { kind: 'ssl-request' }
  | { kind: 'gssenc-request' }
  /** The secret is 4 bytes in protocol 3.0, up to 256 from 3.2: kept as bytes. */
  | { kind: 'cancel-request'; pid: number; secret: Buffer };

/** Reads a whole packet as FrameReader.nextStartupPacket returns it (length included). */
export function readStartupPacket(packet: Buffer): StartupPacket {
  const code = packet.readInt32BE(4);
  if (code === SSL_REQUEST_CODE) return { kind: 'ssl-request' };
  if (code === GSSENC_REQUEST_CODE) return { kind: 'gssenc-request' };
  if (code === CANCEL_REQUEST_CODE && packet.length >= 16) return { kind: 'cancel-request', pid: packet.readInt32BE(8), secret: Buffer.from(packet.subarray(12)) };
  return { kind: 'startup', major: code >>> 16, minor: code & 0xffff, parameters: startupParameters(packet.subarray(8)) };
}

/** Name and value pairs of C strings, ended by an empty name. */
function startupParameters(body: Buffer): Record<string, string> {
  const parameters: Record<string, string> = {};
  let at = 0;
  for (;;) {
    const nameEnd = body.indexOf(0, at);
    if (nameEnd <= at) return parameters;
    const valueEnd = body.indexOf(0, nameEnd + 1);
    if (valueEnd < 0) return parameters;
    parameters[body.toString('utf8', at, nameEnd)] = body.toString('utf8', nameEnd + 1, valueEnd);
    at = valueEnd + 1;
  }
}

/** The CancelRequest a client would send for this backend: how the proxy cancels for a client that vanished. */
export function cancelRequestPacket(pid: number, secret: Buffer): Buffer {
  const packet = Buffer.alloc(12 + secret.length);
  packet.writeInt32BE(packet.length, 0);
  packet.writeInt32BE(CANCEL_REQUEST_CODE, 4);
  packet.writeInt32BE(pid, 8);
  secret.copy(packet, 12);
  return packet;
}
