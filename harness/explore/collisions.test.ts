import { describe, expect, it } from 'vitest';
import { collisionRun, searchOf } from '../../test/report-fixtures.ts';
import { collisionsOf } from './collisions.ts';
import type { ExploreRun } from './explore-run.ts';
import type { StepRecord } from './step-log.ts';

const name = (step: StepRecord | undefined) => step && `w${step.worker + 1} op${step.op + 1} ${step.step}`;

describe("a counterexample's collisions, by the rules of a stress timeline's marks", () => {
  it("the failed insert and the other op's insert it ran into, which its transaction committed", () => {
    expect(collisionsOf(collisionRun()).map((c) => [name(c.failed), name(c.won)])).toEqual([['w2 op1 insert', 'w1 op1 insert']]);
  });

  it('no winner when the write before it was rolled back: that row never stayed', () => {
    const run = collisionRun();
    const rolledBack: ExploreRun = { ...run, steps: run.steps.map((s) => (s.worker === 0 && s.step === 'commit' ? { ...s, step: 'rollback' } : s)) };
    expect(collisionsOf(rolledBack).map((c) => [name(c.failed), name(c.won)])).toEqual([['w2 op1 insert', undefined]]);
  });

  it("no winner for a failed statement that names no key: another op's write to the same row cannot be told", () => {
    const run = collisionRun();
    const keyless: ExploreRun = { ...run, steps: run.steps.map(({ key: _key, ...s }) => s) };
    const [collision] = collisionsOf(keyless);
    expect(name(collision?.failed)).toBe('w2 op1 insert');
    expect(collision?.won).toBeUndefined();
  });

  it('none for a violation its audit found: no statement raised an error', () => {
    const search = searchOf('reserve', true);
    expect(search.result.failed && collisionsOf(search.result.run)).toEqual([]);
  });
});
