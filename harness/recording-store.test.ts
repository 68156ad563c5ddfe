import { describe, expect, it } from 'vitest';
import { RecordingStore } from './recording-store.ts';
import type { StoreConnection } from './contract/store.ts';

/** A connection whose queries answer at once: what is under test is what the recorder writes down. */
function connection(): StoreConnection {
  const db = { query: async () => ({ rows: [], rowCount: 1 }) };
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
});
