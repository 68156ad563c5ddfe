import { describe, expect, it } from 'vitest';
import { LaneSchedule } from '../../../harness/explore/lane-schedule.ts';
import { orderPolicy } from '../../../harness/explore/schedule.ts';
import { scheduledHooks } from './scheduled-hooks.ts';
import type { Lane, Statement } from './types.ts';

const lane = (id: number, applicationName: string): Lane => ({ id, parameters: { application_name: applicationName }, applicationName, serverPid: 1000 + id });
const statement = (seq: number, text: string): Statement => ({ seq, protocol: 'simple', texts: [text], messages: 'Q' });
const ready = (tags: string[], error?: { code: string; message: string }) => ({ kind: 'ready' as const, tags, ...(error && { error: { ...error, severity: 'ERROR' } }), transaction: 'idle' as const, startUs: 0, endUs: 1 });

describe("the proxy's hooks under a lane schedule", () => {
  it('hold the named lanes in the schedule, pass others unheld, and tell the schedule each outcome in the server’s words', async () => {
    const schedule = new LaneSchedule({ lanes: ['s1', 's2'], policy: orderPolicy([1, 0]), blocked: async () => new Set() });
    const hooks = scheduledHooks(schedule, { lanes: ['s1', 's2'] });
    const [s1, s2, admin] = [lane(1, 's1'), lane(2, 's2'), lane(3, 'admin')];
    // Not one of the schedule's lanes: never held.
    await hooks.beforeStatement(admin, statement(1, 'SELECT 1'));
    const released: string[] = [];
    const s1Insert = hooks.beforeStatement(s1, statement(1, 'INSERT')).then(() => released.push('s1'));
    const s2Insert = hooks.beforeStatement(s2, statement(1, 'INSERT')).then(() => released.push('s2'));
    await s2Insert;
    expect(released).toEqual(['s2']);
    hooks.afterStatement(s2, statement(1, 'INSERT'), ready(['INSERT 0 1']));
    // Until s2 sends its next statement or leaves, the schedule releases nothing.
    hooks.laneClosed(s2, 'client-closed');
    await s1Insert;
    hooks.afterStatement(s1, statement(1, 'INSERT'), ready([], { code: '23505', message: 'duplicate key value violates unique constraint "t_pkey"' }));
    const s1Next = hooks.beforeStatement(s1, statement(2, 'COMMIT'));
    // s1's client goes while its COMMIT is held: the proxy tells the statement dropped, then the lane closed.
    hooks.afterStatement(s1, statement(2, 'COMMIT'), { kind: 'dropped', why: 'client-closed', endUs: 2 });
    hooks.laneClosed(s1, 'client-closed');
    const result = await schedule.done;
    expect(result.failure).toBeUndefined();
    expect(result.steps.map((step) => [step.lane, step.sql, step.result, step.error?.code])).toEqual([
      [0, 'INSERT', 'error', '23505'],
      [1, 'INSERT', 'INSERT 0 1', undefined],
      [0, 'COMMIT', 'dropped', undefined],
    ]);
    expect(await Promise.race([s1Next.then(() => 'released'), new Promise((resolve) => setTimeout(() => resolve('held'), 20))])).toBe('held');
  });

  it('refuse a second connection bearing a lane’s name: one lane, one connection', async () => {
    const schedule = new LaneSchedule({ lanes: ['s1'], policy: orderPolicy([]), blocked: async () => new Set() });
    const hooks = scheduledHooks(schedule, { lanes: ['s1'] });
    const first = hooks.beforeStatement(lane(1, 's1'), statement(1, 'SELECT 1'));
    await expect(hooks.beforeStatement(lane(2, 's1'), statement(1, 'SELECT 2'))).rejects.toThrow('a second connection named "s1": the schedule has one lane per name');
    await first;
    schedule.stop('the test is over');
  });
});
