import { describe, expect, it } from 'vitest';
import { FrameReader } from './frame-reader.ts';
import { StatementCutter, type CutUnit } from './statement-cutter.ts';
import { bind, closeStatement, cstr, describePortal, execute, flush, message, parse, query, sync } from '../../../test/postgres-wire-fixtures.ts';

/** A unit as a line a reader can check at a glance, as it stood when it was cut (a statement cut at a Flush grows after). */
const shapeOf = (u: CutUnit) => (u.kind === 'pass' ? `pass ${String.fromCharCode(u.bytes[0]!)}${u.drawsReady ? ' (ready)' : ''}` : `#${u.statement.seq} ${u.statement.messages}${u.first ? ' first' : ''}${u.last ? ' last' : ''}`);

function cut(...messages: Buffer[]): (CutUnit & { shape: string })[] {
  const reader = new FrameReader();
  const cutter = new StatementCutter();
  reader.push(Buffer.concat(messages));
  const units: (CutUnit & { shape: string })[] = [];
  for (let frame = reader.nextMessage(); frame !== undefined; frame = reader.nextMessage()) units.push(...cutter.push(frame).map((u) => ({ ...u, shape: shapeOf(u) })));
  return units;
}

const shape = (u: { shape: string }) => u.shape;

describe('StatementCutter', () => {
  it('makes each simple Query one statement, with its text', () => {
    const units = cut(query('SELECT 1'), query('BEGIN; INSERT INTO t VALUES (1); COMMIT'));
    expect(units.map(shape)).toEqual(['#1 Q first last', '#2 Q first last']);
    expect(units.map((u) => u.kind === 'statement' && u.statement.texts)).toEqual([['SELECT 1'], ['BEGIN; INSERT INTO t VALUES (1); COMMIT']]);
  });

  it('makes an extended batch one statement up to and including its Sync, its bytes unchanged', () => {
    const batch = [parse('', 'INSERT INTO t VALUES ($1)'), bind('', ''), describePortal(''), execute(''), sync()];
    const units = cut(...batch);
    expect(units.map(shape)).toEqual(['#1 PBDES first last']);
    expect(units[0]!.bytes).toEqual(Buffer.concat(batch));
    expect(units[0]!.kind === 'statement' && units[0]!.statement).toMatchObject({ protocol: 'extended', texts: ['INSERT INTO t VALUES ($1)'] });
  });

  it("names a prepared statement's text when a later batch only binds it, and forgets it once closed", () => {
    const units = cut(parse('s1', 'SELECT $1::int'), sync(), bind('', 's1'), execute(''), sync(), closeStatement('s1'), sync(), bind('', 's1'), execute(''), sync());
    expect(units.map((u) => u.kind === 'statement' && u.statement.texts)).toEqual([['SELECT $1::int'], ['SELECT $1::int'], [], []]);
  });

  it('releases a batch at a Flush (the client may wait for answers before its Sync): held at its first part, the rest follows unheld', () => {
    const units = cut(parse('', 'SELECT 1'), describePortal(''), flush(), bind('', ''), execute(''), sync(), query('SELECT 2'));
    expect(units.map(shape)).toEqual(['#1 PDH first', '#1 PDHBES last', '#2 Q first last']);
  });

  it('passes authentication, COPY data, Terminate and a lone Flush through unheld; counts a FunctionCall\'s ReadyForQuery', () => {
    const units = cut(message('p', cstr('secret')), message('d', Buffer.from('1\n')), message('c'), flush(), message('F', Buffer.alloc(8)), message('X'));
    expect(units.map(shape)).toEqual(['pass p', 'pass d', 'pass c', 'pass H', 'pass F (ready)', 'pass X']);
  });

  it('ends an open batch with a Query that follows it, as the server answers both with one ReadyForQuery', () => {
    expect(cut(parse('', 'SELECT 1'), flush(), query('SELECT 2')).map(shape)).toEqual(['#1 PH first', '#1 PHQ last']);
  });

  it('makes a bare Sync a statement: it still draws a ReadyForQuery', () => {
    expect(cut(sync()).map(shape)).toEqual(['#1 S first last']);
  });
});
