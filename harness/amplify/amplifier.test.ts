import { describe, expect, it } from 'vitest';
import { Amplifier, createDrawBoard, HOLD_AFTER_READ, isRead, MAX_HOLD_MS, MIN_HOLD_MS, SHARE_DRAW } from './amplifier.ts';

/** Keys `w<worker>-<n>`: whose a key is shows in it. */
function freshKeys(worker: number): () => string {
  let n = 0;
  return () => `w${worker}-${++n}`;
}

/** Draws `count` keys for each of `workers` workers in turn, as their ops would interleave. */
function drawRound(seed: number, workers: number, count: number): string[][] {
  const board = createDrawBoard(workers);
  const drawers = Array.from({ length: workers }, (_, worker) => new Amplifier(board, worker, seed).drawer(freshKeys(worker)));
  const drawn: string[][] = drawers.map(() => []);
  for (let i = 0; i < count; i++) drawers.forEach((draw, worker) => drawn[worker]!.push(draw()));
  return drawn;
}

describe('race amplification', () => {
  it("shares about SHARE_DRAW of the draws, each another worker's last key, never its own", () => {
    const drawn = drawRound(7, 4, 2_000);
    for (const [worker, keys] of drawn.entries()) {
      // A fresh draw is the worker's own next key; anything else came from another worker (even
      // one of its own keys, passed back).
      let own = 0;
      const fresh = keys.filter((key) => key === `w${worker}-${own + 1}` && ++own > 0).length;
      const shared = keys.length - fresh;
      // 2,000 draws at p = 0.5: ±5% is over 4 standard deviations, and the first round has nothing to share.
      expect(shared / keys.length).toBeGreaterThan(SHARE_DRAW - 0.05);
      expect(shared / keys.length).toBeLessThan(SHARE_DRAW + 0.05);
    }
    // A shared key is one another worker drew just before, in this order of turns.
    const [first, second] = drawn as [string[], string[]];
    for (let i = 1; i < first.length; i++) {
      if (!second[i]!.startsWith('w1-')) expect([first[i], ...drawn.slice(2).map((keys) => keys[i - 1])]).toContain(second[i]);
    }
  });

  it('replays: the same seed gives the same draws and holds, another seed others', () => {
    expect(drawRound(42, 3, 300)).toEqual(drawRound(42, 3, 300));
    expect(drawRound(43, 3, 300)).not.toEqual(drawRound(42, 3, 300));
    const holds = (seed: number) => {
      const amplifier = new Amplifier(createDrawBoard(2), 0, seed);
      return Array.from({ length: 500 }, () => amplifier.holdAfter(true));
    };
    expect(holds(5)).toEqual(holds(5));
    expect(holds(6)).not.toEqual(holds(5));
  });

  it("keys each decision to its op and its place there: what earlier ops met never shifts a later op's", () => {
    const holdsOfOp7 = (earlierReads: number) => {
      const amplifier = new Amplifier(createDrawBoard(2), 1, 11);
      for (let op = 0; op < 7; op++) {
        amplifier.beginOp(op);
        for (let read = 0; read < earlierReads + op; read++) amplifier.holdAfter(true);
      }
      amplifier.beginOp(7);
      return Array.from({ length: 20 }, () => amplifier.holdAfter(true));
    };
    expect(holdsOfOp7(0)).toEqual(holdsOfOp7(5));
    // A worker alone shares nothing, so its draws show only whether the n-th draw of an op would be
    // shared: with a partner on the board, the same op and place decide the same way.
    const sharedAt = (warmUpOps: number) => {
      const board = createDrawBoard(2);
      const partner = new Amplifier(board, 0, 3).drawer(() => 'partner-key');
      partner();
      const amplifier = new Amplifier(board, 1, 3);
      const draw = amplifier.drawer(() => 'own-key');
      for (let op = 0; op < warmUpOps; op++) {
        amplifier.beginOp(op);
        draw();
        draw();
      }
      amplifier.beginOp(40);
      return Array.from({ length: 30 }, () => draw());
    };
    expect(sharedAt(3)).toEqual(sharedAt(17));
    expect(sharedAt(3)).toContain('partner-key');
    expect(sharedAt(3)).toContain('own-key');
  });

  it('knows a read: racelab\'s reading steps and SELECT, and a named step that sent no write', () => {
    for (const step of ['exists', 'existsForUpdate', 'read', 'select']) expect(isRead(step, false, undefined)).toBe(true);
    for (const step of ['insert', 'update', 'commit', 'deleteOwned', 'insertIfAbsent', 'with']) expect(isRead(step, false, undefined)).toBe(false);
    expect(isRead('check', true, undefined)).toBe(true);
    expect(isRead('create', true, 'insert')).toBe(false);
  });

  it('holds only after a read, about HOLD_AFTER_READ of them, for MIN_HOLD_MS to MAX_HOLD_MS', () => {
    const amplifier = new Amplifier(createDrawBoard(2), 1, 9);
    expect(Array.from({ length: 100 }, () => amplifier.holdAfter(false))).toEqual(Array(100).fill(0));
    const holds = Array.from({ length: 2_000 }, () => amplifier.holdAfter(true));
    const held = holds.filter((ms) => ms > 0);
    expect(held.length / holds.length).toBeGreaterThan(HOLD_AFTER_READ - 0.05);
    expect(held.length / holds.length).toBeLessThan(HOLD_AFTER_READ + 0.05);
    expect(Math.max(...held)).toBeLessThanOrEqual(MAX_HOLD_MS);
    expect(Math.min(...held)).toBeGreaterThanOrEqual(MIN_HOLD_MS);
  });

  it('a single worker has no one to share with: every key is its own', () => {
    const [keys] = drawRound(1, 1, 100);
    expect(keys!.every((key) => key.startsWith('w0-'))).toBe(true);
  });
});
