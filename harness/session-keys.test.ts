import { describe, expect, it } from 'vitest';
import { deriveSeed, seededRandom } from './random.ts';
import { keyDrawer, sessionKeyAt } from './session-keys.ts';

describe('session keys', () => {
  it("look like Django's: 32 characters of lowercase letters and digits", () => {
    for (let i = 0; i < 100; i++) expect(sessionKeyAt(i)).toMatch(/^[a-z0-9]{32}$/);
  });

  it('are distinct within a key space and the same for an index everywhere', () => {
    const keys = Array.from({ length: 5000 }, (_, i) => sessionKeyAt(i));
    expect(new Set(keys).size).toBe(5000);
    expect(sessionKeyAt(42)).toBe(keys[42]);
  });

  it('are drawn only from the shrunk key space, covering all of it', () => {
    const draw = keyDrawer(8, seededRandom(1));
    const seen = new Set(Array.from({ length: 400 }, draw));
    expect(seen).toEqual(new Set(Array.from({ length: 8 }, (_, i) => sessionKeyAt(i))));
  });

  it('replay from a seed, and differ between workers', () => {
    const draws = (seed: number) => Array.from({ length: 20 }, keyDrawer(1000, seededRandom(seed)));
    expect(draws(deriveSeed(5, 0))).toEqual(draws(deriveSeed(5, 0)));
    expect(draws(deriveSeed(5, 0))).not.toEqual(draws(deriveSeed(5, 1)));
  });
});
