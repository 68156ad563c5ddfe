import { expect, it } from 'vitest';
import { countRaceWindows, type OpSpan } from './key-spans.ts';

const span = (worker: number, op: number, keys: string[], startUs: number, endUs: number): OpSpan => ({ worker, op, keys, startUs, endUs });

it("counts each op whose span overlapped another worker's op on a shared key, once", () => {
  expect(
    countRaceWindows([
      span(0, 0, ['a'], 0, 10),
      span(1, 0, ['a'], 5, 15), // overlaps w0:op0 on a
      span(2, 0, ['a', 'b'], 12, 20), // overlaps w1:op0 on a
      span(0, 1, ['b'], 30, 40), // b, but after w2:op0 ended
    ]),
  ).toBe(3);
});

it("does not count overlaps on different keys, within one worker, or spans that only touch", () => {
  expect(countRaceWindows([span(0, 0, ['a'], 0, 10), span(1, 0, ['b'], 0, 10)])).toBe(0);
  expect(countRaceWindows([span(0, 0, ['a'], 0, 10), span(0, 1, ['a'], 5, 15)])).toBe(0);
  expect(countRaceWindows([span(0, 0, ['a'], 0, 10), span(1, 0, ['a'], 10, 20)])).toBe(0);
  expect(countRaceWindows([span(0, 0, [], 0, 10), span(1, 0, [], 0, 10)])).toBe(0);
});
