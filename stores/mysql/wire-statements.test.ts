import { describe, expect, it } from 'vitest';
import { mysqlWireStatements } from './wire-statements.ts';

/** A MySQL packet: a 3-byte length, the sequence id, the payload. */
function packet(sequence: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUIntLE(payload.length, 0, 3);
  head[3] = sequence;
  return Buffer.concat([head, payload]);
}
const command = (code: number, text: string) => Buffer.concat([Buffer.from([code]), Buffer.from(text, 'utf8')]);

describe('mysqlWireStatements', () => {
  it('names COM_QUERY and COM_STMT_PREPARE texts', () => {
    expect(mysqlWireStatements(packet(0, command(0x03, 'SELECT 1 FROM profiles')))).toEqual(['SELECT 1 FROM profiles']);
    expect(mysqlWireStatements(packet(0, command(0x16, 'INSERT INTO profiles VALUES (?, ?)')))).toEqual(['INSERT INTO profiles VALUES (?, ?)']);
  });

  it('names nothing in a reply within a sequence (the handshake, authentication), in other commands, or in a packet cut short', () => {
    // A handshake response whose capability flags happen to begin with 0x03: its sequence id is 1.
    expect(mysqlWireStatements(packet(1, command(0x03, 'not a query')))).toEqual([]);
    expect(mysqlWireStatements(packet(0, Buffer.from([0x0e])))).toEqual([]); // COM_PING
    const query = packet(0, command(0x03, 'SELECT 1'));
    expect(mysqlWireStatements(query.subarray(0, query.length - 2))).toEqual([]);
  });
});
