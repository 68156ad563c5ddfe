import { describe, expect, it } from 'vitest';
import { createWindowBuffer, keyHash, OpHolds, RaceWindows } from './race-windows.ts';

const table = () => new RaceWindows(createWindowBuffer(3, 100));

describe('RaceWindows', () => {
  it('counts both ops whose holds on one key overlapped, whichever closed first', () => {
    const windows = table();
    windows.close('k1', 0, 10, 0, 0);
    windows.close('k1', 5, 20, 1, 0);
    expect(windows.count()).toBe(2);
  });

  it('counts nothing for holds that follow one another, or overlap on different keys', () => {
    const windows = table();
    windows.close('k1', 0, 10, 0, 0);
    windows.close('k1', 11, 20, 1, 0);
    windows.close('k2', 0, 20, 2, 0);
    expect(windows.count()).toBe(0);
  });

  it('counts an op once, however many of its holds overlapped', () => {
    const windows = table();
    windows.close('k1', 0, 10, 0, 7);
    windows.close('k2', 0, 10, 0, 7);
    windows.close('k1', 1, 2, 1, 3);
    windows.close('k2', 1, 2, 2, 4);
    expect(windows.count()).toBe(3);
  });

  it('is one table for every thread that wraps the buffer', () => {
    const buffer = createWindowBuffer(2, 10);
    new RaceWindows(buffer).close('k1', 0, 10, 0, 1);
    new RaceWindows(buffer).close('k1', 9, 12, 1, 1);
    expect(new RaceWindows(buffer).count()).toBe(2);
  });
});

describe('OpHolds', () => {
  it('holds a key from its first statement to its last, and a COMMIT extends every hold', () => {
    const windows = table();
    const holds = new OpHolds();
    holds.hold('k1', 0, 1);
    holds.hold('k1', 5, 6);
    holds.hold(undefined, 7, 9);
    holds.closeInto(windows, 0, 0);
    // Another op that touched k1 only between the check and the commit still overlapped.
    windows.close('k1', 8, 8.5, 1, 0);
    expect(windows.count()).toBe(2);
  });
});

describe('OpHolds of an op on many keys', () => {
  it('extends a hold found by key once the op holds too many to list, and forgets them all at the op\'s end', () => {
    const windows = table();
    const holds = new OpHolds();
    for (let i = 0; i < 12; i++) holds.hold(`k${i}`, i * 10, i * 10 + 1);
    holds.hold('k3', 200, 201);
    holds.closeInto(windows, 0, 0);
    // Only the extension of k3 reaches 150: another op there met it.
    windows.close('k3', 150, 160, 1, 0);
    // The next op of worker 0 holds k3 afresh, from 300: nothing of the last op's hold is left in it.
    holds.hold('k3', 300, 301);
    holds.closeInto(windows, 0, 1);
    windows.close('k3', 250, 260, 2, 0);
    expect(windows.count()).toBe(2);
  });
});

describe('keyHash', () => {
  it('is exact in a float and tells apart keys that differ in one character', () => {
    const hashes = new Set(Array.from({ length: 10_000 }, (_, i) => keyHash(`key-${i}`)));
    expect(hashes.size).toBe(10_000);
    for (const hash of hashes) expect(Number.isSafeInteger(hash)).toBe(true);
  });
});
