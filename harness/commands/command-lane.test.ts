import { expect, it } from 'vitest';
import type { WireStatement } from '../contract/wire.ts';
import { CommandLane } from './command-lane.ts';

const ok = (sql: string, startUs: number, endUs: number): WireStatement => ({ sql, startUs, endUs, ended: 'ready', result: sql.split(' ')[0]! });
const duplicate = (startUs: number, endUs: number): WireStatement => ({
  sql: 'INSERT INTO "django_session" VALUES (…)',
  startUs,
  endUs,
  ended: 'ready',
  result: '23505 duplicate key value violates unique constraint "django_session_pkey"',
  error: { record: { code: '23505', message: 'duplicate key value violates unique constraint "django_session_pkey"', constraint: 'django_session_pkey' }, outcome: 'integrity_error' },
});

it("a failed op takes its statements' classified error, with the program's own account beside it", () => {
  const lane = new CommandLane(1);
  lane.statement(ok('SELECT (1) AS "a" FROM "django_session"', 10, 20));
  lane.statement(duplicate(30, 40));
  lane.statement(ok('ROLLBACK', 41, 45));
  lane.opEnded({ outcome: 'error', keys: ['k1'], error: 'CreateError', traceback: 'Traceback (most recent call last): …' });
  const report = lane.report();
  expect(report.ops).toBe(1);
  expect(report.outcomes.integrity_error).toBe(1);
  expect(report.statements).toBe(3);
  expect(report.samples[0]).toMatchObject({
    outcome: 'integrity_error',
    worker: 2,
    op: 1,
    key: 'k1',
    error: { code: '23505', constraint: 'django_session_pkey', raisedAs: 'CreateError', traceback: 'Traceback (most recent call last): …' },
  });
  // Its statements are op 1's events, the failed one marked with its code.
  expect(report.steps.map((e) => [e.op, e.step, e.code, e.key])).toEqual([
    [1, 'select', undefined, 'k1'],
    [1, 'insert', '23505', 'k1'],
    [1, 'rollback', undefined, 'k1'],
  ]);
  expect(lane.spans).toEqual([{ worker: 1, op: 0, keys: ['k1'], startUs: 10, endUs: 45 }]);
});

it('an ok op that drew a violation absorbed it: counted as a retry, not a failure', () => {
  const lane = new CommandLane(0);
  lane.statement(duplicate(1, 2));
  lane.statement(ok('INSERT INTO "django_session"', 3, 4));
  lane.opEnded({ outcome: 'ok', keys: [] });
  lane.statement(ok('SELECT 1', 5, 6));
  lane.opEnded({ outcome: 'ok', keys: [] });
  const report = lane.report();
  expect([report.ops, report.outcomes.ok, report.retries, report.samples]).toEqual([2, 2, 1, []]);
  expect(report.steps.map((e) => e.op)).toEqual([1, 1, 2]);
});

it('a failed op whose statements drew no database error failed for a reason of its own: error, never a violation', () => {
  const lane = new CommandLane(0);
  lane.statement(ok('SELECT 1', 1, 2));
  lane.opEnded({ outcome: 'error', keys: [], error: 'ValueError: bad input' });
  const report = lane.report();
  expect(report.outcomes.error).toBe(1);
  expect(report.samples[0]!.error.message).toBe('ValueError: bad input');
});

it('keeps the first failure of the process', () => {
  const lane = new CommandLane(0);
  lane.failed({ phase: 'op', cause: 'error', op: 1, error: { message: 'exited with code 1' } });
  lane.failed({ phase: 'op', cause: 'terminated', error: { message: 'stopped' } });
  expect(lane.report().failure).toEqual({ phase: 'op', cause: 'error', op: 1, error: { message: 'exited with code 1' } });
});
