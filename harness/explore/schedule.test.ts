import { describe, expect, it } from 'vitest';
import { choicesPolicy, formatSchedule, orderPolicy, parseSchedule, roundRobin, ScheduleError } from './schedule.ts';

describe('schedule strings', () => {
  const spec = { workers: 2, opsPerWorker: 1, keySpace: 1, isolation: 'read-committed' as const, keySeed: 0, order: [0, 1, 0, 1] };

  it('print the input and the order of releases, workers numbered from 1', () => {
    expect(formatSchedule(spec)).toBe('workers=2 ops=1 keys=1 isolation=rc seed=0 order=1,2,1,2');
  });

  it('parse back to what was printed', () => {
    expect(parseSchedule(formatSchedule(spec))).toEqual(spec);
    expect(parseSchedule('workers=3 ops=2 keys=4 isolation=ser seed=9 order=')).toMatchObject({ isolation: 'serializable', order: [] });
  });

  it.each([
    ['workers=2 ops=1 keys=1 isolation=rc seed=0', '--schedule needs order=…'],
    ['workers=9 ops=1 keys=1 isolation=rc seed=0 order=1', '--schedule workers must be a whole number from 2 to 8, got "9"'],
    ['workers=2 ops=1 keys=1 isolation=dirty seed=0 order=1', '--schedule isolation must be one of rc, rr, ser, def, imm'],
    ['workers=2 ops=1 keys=1 isolation=rc seed=0 order=1,3', '--schedule order names worker "3"; workers are 1 to 2'],
    ['workers=2 ops=1 keys=1 isolation=rc seed=0 order=1 extra', '--schedule: "extra" is not one of workers=… ops=… keys=… isolation=… seed=… order=…'],
  ])('refuse %j', (text, message) => {
    expect(() => parseSchedule(text)).toThrow(new ScheduleError(message));
  });
});

describe('schedule policies', () => {
  it('round robin releases the next pending worker after the last one, wrapping around', () => {
    expect(roundRobin([0, 1, 2], undefined)).toBe(0);
    expect(roundRobin([0, 1, 2], 0)).toBe(1);
    expect(roundRobin([0, 2], 1)).toBe(2);
    expect(roundRobin([0, 1], 1)).toBe(0);
  });

  it("fast-check's choices index the pending workers, then round robin takes over", () => {
    const policy = choicesPolicy([5]);
    expect(policy.choose([0, 1], 0, undefined)).toBe(1);
    expect(policy.choose([0, 1], 1, 1)).toBe(0);
  });

  it('a replayed order is followed exactly and refused where it does not fit', () => {
    const policy = orderPolicy([1, 0]);
    expect(policy.choose([0, 1], 0, undefined)).toBe(1);
    expect(() => policy.choose([1], 1, 1)).toThrow(new ScheduleError('--schedule step 2 releases w1, but only w2 can move then'));
    expect(orderPolicy([], 'lowest').choose([1, 2], 0, 0)).toBe(1);
  });
});
