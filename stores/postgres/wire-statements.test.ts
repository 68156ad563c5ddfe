import { describe, expect, it } from 'vitest';
import { postgresWireStatements } from './wire-statements.ts';

/** A protocol message: its type byte, its length (itself included) and its body. */
function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}
const cstring = (text: string) => Buffer.concat([Buffer.from(text, 'utf8'), Buffer.from([0])]);

describe('postgresWireStatements', () => {
  it("names a simple Query's text and an extended Parse's, in a chunk of several messages", () => {
    const chunk = Buffer.concat([
      message('P', Buffer.concat([cstring(''), cstring('select 1 from profiles where user_id = $1'), Buffer.from([0, 0])])),
      message('B', Buffer.from([0, 0, 0, 0, 0, 0, 0, 0])),
      message('E', Buffer.concat([cstring(''), Buffer.alloc(4)])),
      message('S', Buffer.alloc(0)),
      message('Q', cstring('insert into profiles values (1)')),
    ]);
    expect(postgresWireStatements(chunk)).toEqual(['select 1 from profiles where user_id = $1', 'insert into profiles values (1)']);
  });

  it('names nothing in the startup message, a password, or a chunk cut short', () => {
    const startup = Buffer.concat([Buffer.from([0, 0, 0, 41, 0, 3, 0, 0]), cstring('user'), cstring('postgres'), cstring('database'), cstring('test'), Buffer.from([0])]);
    expect(postgresWireStatements(startup)).toEqual([]);
    expect(postgresWireStatements(message('p', cstring('secret')))).toEqual([]);
    const query = message('Q', cstring('select 1'));
    expect(postgresWireStatements(query.subarray(0, query.length - 3))).toEqual([]);
  });
});
