import { describe, expect, it } from 'vitest';
import { liveQuotas } from './occupancy.ts';

describe('liveQuotas', () => {
  it('shares occupancy × key space among the workers, exactly', () => {
    expect(liveQuotas(64, 0.25, 4)).toEqual([4, 4, 4, 4]);
    expect(liveQuotas(16, 0.25, 3)).toEqual([2, 1, 1]);
    expect(liveQuotas(1, 1, 4)).toEqual([1, 0, 0, 0]);
  });

  it('keeps nothing alive at occupancy 0', () => {
    expect(liveQuotas(64, 0, 4)).toEqual([0, 0, 0, 0]);
  });
});
