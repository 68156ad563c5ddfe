import { describe, expect, it } from 'vitest';
import { returnedText, rowsText } from './rows-found.ts';

describe('what a read found, in the timelines’ words', () => {
  it('says what a read returned, not only how many rows: a count always returns one', () => {
    expect(rowsText(1, { n: '0' })).toBe('1 row: n=0');
    expect(rowsText(2, { id: 4, email: 'user-000g@example.com' })).toBe('2 rows, the first: id=4, email=user-000g@example.com');
    expect(rowsText(0)).toBe('0 rows');
    // A write without RETURNING changed rows and returned none.
    expect(rowsText(1)).toBe('1 row');
  });

  it('keeps a row short: a few columns, each value cut, dates and bytes in a word', () => {
    const row = { id: 1, at: new Date(Date.UTC(2026, 11, 2)), hash: Buffer.from('secret'), note: 'x'.repeat(40), more: 1 };
    expect(rowsText(1, row)).toBe('1 row: id=1, at=2026-12-02T00:00:00.000Z, hash=<6 bytes>, …');
    expect(rowsText(1, { note: 'x'.repeat(40) })).toBe(`1 row: note=${'x'.repeat(23)}…`);
    expect(rowsText(1, { doc: { a: 1 }, gone: null })).toBe('1 row: doc={"a":1}, gone=null');
    // A row of a driver's array mode, whose columns went unnamed.
    expect(rowsText(1, [19, 'user-000g'])).toBe('1 row: [19,"user-000g"]');
  });

  it("says what a named step's function returned: a query result, rows, a number, a row, or ok for nothing", () => {
    expect(returnedText({ rows: [{ count: '1' }], rowCount: 1 })).toBe('1 row: count=1');
    expect(returnedText([{ id: 3 }])).toBe('1 row: id=3');
    expect(returnedText([])).toBe('0 rows');
    expect(returnedText(2)).toBe('2');
    expect(returnedText(false)).toBe('false');
    expect(returnedText(null)).toBe('null');
    expect(returnedText({ id: 3, email: 'a@b' })).toBe('row: id=3, email=a@b');
    expect(returnedText(undefined)).toBe('ok');
  });
});
