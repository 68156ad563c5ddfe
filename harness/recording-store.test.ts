import { describe, expect, it } from 'vitest';
import { RecordingStore } from './recording-store.ts';
import type { StoreConnection } from './contract/store.ts';

/** A connection whose queries answer at once (`rows` for a SELECT): what is under test is what the recorder writes down. */
function connection(rows: Record<string, unknown>[] = []): StoreConnection {
  const db = { query: async (text: string) => (/^select/i.test(text) ? { rows, rowCount: rows.length } : { rows: [], rowCount: 1 }) };
  return { db, inTransaction: false, backendPid: 1, insert: async () => undefined } as unknown as StoreConnection;
}

describe('the statement recorder', () => {
  it("records the first write a named step sent, and only on that step's event", async () => {
    const store = new RecordingStore(connection(), 0, 100);
    store.position = { op: 0, lastKey: 'k1', owner: 'w1:op1' };
    await store.step('check', () => store.db.query('SELECT 1 FROM users WHERE email = $1', ['a']));
    await store.step('create', async () => {
      await store.db.query('SELECT 1');
      await store.db.query('INSERT INTO users (email) VALUES ($1)', ['a']);
      return store.db.query('UPDATE users SET n = 1');
    });
    await store.db.query('SELECT 2');
    expect(store.events.map((e) => [e.step, e.wrote])).toEqual([
      ['check', undefined],
      ['create', 'insert'],
      ['select', undefined],
    ]);
  });

  it('makes no words for a statement it keeps no event of: past its limit, the first row is never read', async () => {
    let read = 0;
    const row = {
      get n() {
        read++;
        return '0';
      },
    };
    const kept = new RecordingStore(connection([row]), 0, 1);
    kept.position = { op: 0, lastKey: 'k1', owner: 'w1:op1' };
    await kept.db.query('SELECT n FROM t');
    expect([kept.events[0]!.result, read]).toEqual(['1 row: n=0', 1]);
    // Past the limit of one event: the same statements, and no word made.
    for (let i = 0; i < 3; i++) await kept.db.query('SELECT n FROM t');
    expect([kept.events.length, read]).toEqual([1, 1]);
  });

  it('records what a read found, not only how many rows it returned: a count always returns one', async () => {
    const store = new RecordingStore(connection([{ n: '0' }]), 0, 100);
    store.position = { op: 0, lastKey: 'k1', owner: 'w1:op1' };
    await store.step('count', () => store.db.query('SELECT count(*) AS n FROM redemptions WHERE code = $1', ['SPRING-000g']));
    await store.db.query('SELECT count(*) AS n FROM redemptions');
    await store.step('redeem', () => store.db.query('INSERT INTO redemptions (code) VALUES ($1)', ['SPRING-000g']));
    expect(store.events.map((e) => [e.step, e.result])).toEqual([
      ['count', '1 row: n=0'],
      ['select', '1 row: n=0'],
      ['redeem', '1 row'],
    ]);
  });
});
