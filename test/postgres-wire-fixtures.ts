/** Byte fixtures for the proxy's unit tests: messages built as the protocol lays them out. */

export function cstr(text: string): Buffer {
  return Buffer.concat([Buffer.from(text, 'utf8'), Buffer.from([0])]);
}

/** A typed message: Byte1 type, Int32 length (itself and the body), body. */
export function message(type: string, ...body: Buffer[]): Buffer {
  const content = Buffer.concat(body);
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(4 + content.length, 1);
  return Buffer.concat([header, content]);
}

export function int32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(value);
  return b;
}

export function int16(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(value);
  return b;
}

/** An untyped startup-phase packet: Int32 length (itself included), then the body. */
export function startupPacket(...body: Buffer[]): Buffer {
  const content = Buffer.concat(body);
  return Buffer.concat([int32(4 + content.length), content]);
}

export const query = (sql: string) => message('Q', cstr(sql));
export const parse = (name: string, sql: string) => message('P', cstr(name), cstr(sql), int16(0));
export const bind = (portal: string, statement: string) => message('B', cstr(portal), cstr(statement), int16(0), int16(0), int16(0));
export const describePortal = (portal: string) => message('D', Buffer.from('P'), cstr(portal));
export const describeStatement = (name: string) => message('D', Buffer.from('S'), cstr(name));
export const execute = (portal: string) => message('E', cstr(portal), int32(0));
export const closeStatement = (name: string) => message('C', Buffer.from('S'), cstr(name));
export const sync = () => message('S');
export const flush = () => message('H');
export const readyForQuery = (status: 'I' | 'T' | 'E') => message('Z', Buffer.from(status));
export const commandComplete = (tag: string) => message('C', cstr(tag));
export function errorResponse(fields: Record<string, string>): Buffer {
  return message('E', ...Object.entries(fields).map(([k, v]) => Buffer.concat([Buffer.from(k), cstr(v)])), Buffer.from([0]));
}
