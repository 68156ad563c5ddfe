import { describe, expect, it } from 'vitest';
import { HarnessFailure } from './harness-failure.ts';
import { LaneSchedule, type LaneScheduleOptions, type LaneStepOutcome } from './lane-schedule.ts';
import { orderPolicy, ScheduleError } from './schedule.ts';

/** A fake lane's statement: its SQL, and what running it does (default: answers `ok` at once). */
interface FakeStatement {
  sql: string;
  run?: () => Promise<LaneStepOutcome>;
}

/** A fake client on lane `lane`: sends each statement once the last one was answered, then leaves. */
async function client(schedule: LaneSchedule, lane: number, statements: FakeStatement[]): Promise<void> {
  for (const [index, statement] of statements.entries()) {
    await schedule.arrive(lane, index + 1, statement.sql, 100 + lane);
    schedule.finished(lane, index + 1, await (statement.run?.() ?? Promise.resolve({ result: 'ok' })));
  }
  schedule.left(lane);
}

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const notBlocked: LaneScheduleOptions['blocked'] = async () => new Set();
const order = (result: { decisions: { worker: number }[] }) => result.decisions.map((decision) => decision.worker);

describe('a lane schedule', () => {
  it("releases one statement at a time in the policy's order, each once the one before has finished, and waits for every lane before the first", async () => {
    const schedule = new LaneSchedule({ lanes: ['a', 'b'], policy: orderPolicy([1, 0, 0, 1]), blocked: notBlocked });
    let running = 0;
    let most = 0;
    const slow = (result: string) => async () => {
      most = Math.max(most, ++running);
      await tick(5);
      running--;
      return { result };
    };
    const a = client(schedule, 0, [{ sql: 'a1', run: slow('A1') }, { sql: 'a2', run: slow('A2') }]);
    // Lane b connects late, and still goes first.
    await tick(20);
    const b = client(schedule, 1, [{ sql: 'b1', run: slow('B1') }, { sql: 'b2', run: slow('B2') }]);
    const result = await schedule.done;
    await Promise.all([a, b]);
    expect(result.failure).toBeUndefined();
    expect(order(result)).toEqual([1, 0, 0, 1]);
    expect(most).toBe(1);
    const released = [...result.steps].sort((x, y) => x.releasedAt! - y.releasedAt!);
    expect(released.map((step) => [step.sql, step.result, step.waited])).toEqual([
      ['b1', 'B1', false],
      ['a1', 'A1', false],
      ['a2', 'A2', false],
      ['b2', 'B2', false],
    ]);
    for (let i = 1; i < released.length; i++) expect(released[i]!.releasedAt).toBeGreaterThan(released[i - 1]!.completedAt!);
  });

  it('moves on past a statement the server says waits on a lock, and marks it waited', async () => {
    let unlock!: () => void;
    const locked = new Promise<void>((resolve) => (unlock = resolve));
    let waiting = false;
    const asked: [readonly number[], readonly number[]][] = [];
    const schedule = new LaneSchedule({
      lanes: ['a', 'b'],
      policy: orderPolicy([0, 1]),
      blocked: async (ids, holders) => {
        asked.push([ids, holders]);
        return new Set(waiting ? [100] : []);
      },
    });
    // a's INSERT waits for b's transaction, which only b's COMMIT ends.
    const insert = async () => {
      waiting = true;
      await locked;
      waiting = false;
      return { result: 'error', error: { code: '23505', message: 'duplicate key' } };
    };
    const commit = async () => {
      unlock();
      return { result: 'COMMIT' };
    };
    const clients = [client(schedule, 0, [{ sql: 'INSERT', run: insert }]), client(schedule, 1, [{ sql: 'COMMIT', run: commit }])];
    const result = await schedule.done;
    await Promise.all(clients);
    expect(result.failure).toBeUndefined();
    expect(order(result)).toEqual([0, 1]);
    const [insertStep, commitStep] = result.steps;
    expect(insertStep).toMatchObject({ sql: 'INSERT', waited: true, result: 'error', error: { code: '23505' } });
    expect(commitStep).toMatchObject({ sql: 'COMMIT', waited: false, result: 'COMMIT' });
    expect(insertStep!.completedAt).toBeGreaterThan(commitStep!.releasedAt!);
    expect(asked).toContainEqual([[100], [100, 101]]);
  });

  it('holds the next statement while a slow one runs that the server says waits on nothing', async () => {
    let asks = 0;
    const schedule = new LaneSchedule({
      lanes: ['a', 'b'],
      policy: orderPolicy([0, 1]),
      blocked: async () => {
        asks++;
        return new Set();
      },
    });
    const clients = [
      client(schedule, 0, [{ sql: 'SELECT pg_sleep(0.05)', run: async () => (await tick(50), { result: 'SELECT 1' }) }]),
      client(schedule, 1, [{ sql: 'SELECT 1' }]),
    ];
    const result = await schedule.done;
    await Promise.all(clients);
    const [slow, next] = result.steps;
    expect(next!.releasedAt).toBeGreaterThan(slow!.completedAt!);
    expect(slow!.waited).toBe(false);
    expect(asks).toBeGreaterThan(0);
  });

  it("goes on without a lane whose client left while its statement was held (dropped) or running (lost)", async () => {
    const schedule = new LaneSchedule({ lanes: ['a', 'b', 'c'], policy: orderPolicy([]), blocked: notBlocked });
    // b holds its statement while a has not connected yet, then its client dies.
    const held = schedule.arrive(1, 1, 'SELECT held', 101);
    schedule.finished(1, 1, { result: 'dropped' });
    schedule.left(1);
    // c's client dies while its statement runs; the proxy told nothing but the lane's end.
    const cRunning = schedule.arrive(2, 1, 'SELECT running', 102).then(() => schedule.left(2));
    await client(schedule, 0, [{ sql: 'a1' }, { sql: 'a2' }]);
    const result = await schedule.done;
    await cRunning;
    expect(result.failure).toBeUndefined();
    expect(result.steps.map((step) => [step.sql, step.result, step.releasedAt !== undefined])).toEqual([
      ['SELECT held', 'dropped', false],
      ['SELECT running', 'lost', true],
      ['a1', 'ok', true],
      ['a2', 'ok', true],
    ]);
    // Never released: the statement the proxy dropped is not sent.
    expect(await Promise.race([held.then(() => 'released'), tick(20).then(() => 'held')])).toBe('held');
  });

  it('ends at the stuck bound, naming a lane that never connected, and refuses the held statements', async () => {
    const schedule = new LaneSchedule({ lanes: ['s1', 's2'], policy: orderPolicy([]), blocked: notBlocked, stuckMs: 100 });
    const held = schedule.arrive(0, 1, 'SELECT 1', 100).then(() => 'released', (error: Error) => error);
    const result = await schedule.done;
    expect(result.failure).toBeInstanceOf(HarnessFailure);
    expect(result.failure!.message).toBe('lane schedule stuck: nothing moved for 100 ms (w1 = s1: holding "SELECT 1"; w2 = s2: no statement yet)');
    expect(await held).toBe(result.failure);
    expect(result.steps).toMatchObject([{ sql: 'SELECT 1', result: 'unfinished' }]);
    await expect(schedule.arrive(1, 1, 'SELECT 2', 101)).rejects.toBe(result.failure);
  });

  it("ends at the stuck bound when a released statement neither finishes nor is seen waiting, with the server's refusal to answer", async () => {
    const schedule = new LaneSchedule({
      lanes: ['s1', 's2'],
      policy: orderPolicy([0]),
      blocked: async () => {
        throw new Error('connection lost');
      },
      stuckMs: 100,
    });
    void schedule.arrive(0, 1, 'SELECT pg_sleep(60)', 100);
    void schedule.arrive(1, 1, 'SELECT 2', 101).catch(() => undefined);
    const { failure } = await schedule.done;
    expect(failure?.message).toBe(
      'lane schedule stuck: nothing moved for 100 ms (w1 = s1: running "SELECT pg_sleep(60)"; w2 = s2: holding "SELECT 2"); asking the server whether a statement waits failed: connection lost',
    );
  });

  it('ends with the ScheduleError when the policy names a lane that cannot move, saying where each lane stands', async () => {
    const schedule = new LaneSchedule({ lanes: ['s1', 's2'], policy: orderPolicy([0, 0]), blocked: async (ids) => new Set(ids) });
    // s1's first statement waits on a lock for good; the order then names s1 again.
    void schedule.arrive(0, 1, 'SELECT … FOR UPDATE', 100);
    const held = schedule.arrive(1, 1, 'INSERT', 101).then(() => 'released', (error: Error) => error);
    const { failure, decisions } = await schedule.done;
    expect(failure).toBeInstanceOf(ScheduleError);
    expect(failure!.message).toBe(
      'lane schedule, release 2: --schedule step 2 releases w1, but only w2 can move then (w1 = s1: running "SELECT … FOR UPDATE", seen waiting for a lock; w2 = s2: holding "INSERT")',
    );
    expect(decisions).toEqual([{ at: 0, pending: [0, 1], worker: 0 }]);
    expect(await held).toBe(failure);
  });

  it('stops when told, refusing what it holds', async () => {
    const schedule = new LaneSchedule({ lanes: ['s1', 's2'], policy: orderPolicy([]), blocked: notBlocked });
    const held = schedule.arrive(0, 1, 'SELECT 1', 100);
    schedule.stop('the test is over');
    await expect(held).rejects.toThrow('the test is over');
    expect((await schedule.done).failure?.message).toBe('the test is over');
  });
});
