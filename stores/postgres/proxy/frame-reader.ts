/**
 * Whole PostgreSQL protocol v3 packets out of a byte stream that TCP splits wherever it likes.
 *
 * Two shapes share one stream. Before the StartupMessage, a client's packets are untyped: an Int32
 * length that counts itself, then the body (its first Int32 says what it is). Every message after
 * it, in both directions, is typed: a Byte1 type, then an Int32 length that counts itself but not
 * the type byte. The caller says which it expects next; the reader only cuts.
 */

/** One typed message, as it came: `bytes` is the whole message, header included, for forwarding unchanged. */
export interface Frame {
  /** The type byte as a character: `Q`, `P`, `Z`, … */
  type: string;
  bytes: Buffer;
  /** What follows the length. */
  body: Buffer;
}

/** The stream broke the protocol's framing: nothing after this point can be read. */
export class FramingError extends Error {
  override name = 'FramingError';
}

/** The server refuses startup packets over 10000 bytes (MAX_STARTUP_PACKET_LENGTH): so does the proxy. */
const MAX_STARTUP_PACKET = 10_000;

export class FrameReader {
  private chunks: Buffer[] = [];
  private size = 0;

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  /** Bytes received and not yet taken. */
  get buffered(): number {
    return this.size;
  }

  /** The next whole typed message, or undefined until its last byte has arrived. */
  nextMessage(): Frame | undefined {
    if (this.size < 5) return undefined;
    const length = this.peek(5).readInt32BE(1);
    if (length < 4) throw new FramingError(`a message of type ${JSON.stringify(String.fromCharCode(this.peek(1)[0]!))} declares length ${length}, below the 4 its length field takes`);
    if (this.size < 1 + length) return undefined;
    const bytes = this.take(1 + length);
    return { type: String.fromCharCode(bytes[0]!), bytes, body: bytes.subarray(5) };
  }

  /** The next whole untyped startup-phase packet (length included), or undefined until it has arrived. */
  nextStartupPacket(): Buffer | undefined {
    if (this.size < 4) return undefined;
    const length = this.peek(4).readInt32BE(0);
    if (length < 8 || length > MAX_STARTUP_PACKET) throw new FramingError(`a startup packet declares length ${length}, outside 8 to ${MAX_STARTUP_PACKET}`);
    if (this.size < length) return undefined;
    return this.take(length);
  }

  /** Everything buffered, for a stream the proxy no longer reads (it only relays). */
  takeAll(): Buffer {
    return this.take(this.size);
  }

  private peek(n: number): Buffer {
    if (this.chunks[0]!.length < n) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!.subarray(0, n);
  }

  private take(n: number): Buffer {
    const first = this.chunks[0];
    if (first !== undefined && first.length >= n) {
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.size -= n;
      return first.subarray(0, n);
    }
    // Spread over several chunks: gathered once, so a large message costs its length, not its length squared.
    const parts: Buffer[] = [];
    let gathered = 0;
    while (gathered < n) {
      const chunk = this.chunks.shift()!;
      const wanted = n - gathered;
      if (chunk.length > wanted) {
        parts.push(chunk.subarray(0, wanted));
        this.chunks.unshift(chunk.subarray(wanted));
        gathered += wanted;
      } else {
        parts.push(chunk);
        gathered += chunk.length;
      }
    }
    this.size -= n;
    return Buffer.concat(parts, n);
  }
}
