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

/** A statement begun and ended at once, as most are. */
const run = (lane: CommandLane, statement: WireStatement) => {
  lane.statementBegun();
  lane.statement(statement);
};

it("a failed op takes its statements' classified error, with the program's own account beside it", () => {
  const lane = new CommandLane(1);
  run(lane, ok('SELECT (1) AS "a" FROM "django_session"', 10, 20));
  run(lane, duplicate(30, 40));
  run(lane, ok('ROLLBACK', 41, 45));
  lane.opLine({ outcome: 'error', keys: ['k1'], error: 'CreateError', traceback: 'Traceback (most recent call last): …' });
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
    // Transaction control names no key.
    [1, 'rollback', undefined, undefined],
  ]);
  expect(lane.spans).toEqual([{ worker: 1, op: 0, keys: ['k1'], startUs: 10, endUs: 45 }]);
});

it('an ok op that drew a violation absorbed it: counted as a retry, not a failure', () => {
  const lane = new CommandLane(0);
  run(lane, duplicate(1, 2));
  run(lane, ok('INSERT INTO "django_session"', 3, 4));
  lane.opLine({ outcome: 'ok', keys: [] });
  run(lane, ok('SELECT 1', 5, 6));
  lane.opLine({ outcome: 'ok', keys: [] });
  const report = lane.report();
  expect([report.ops, report.outcomes.ok, report.retries, report.samples]).toEqual([2, 2, 1, []]);
  expect(report.steps.map((e) => e.op)).toEqual([1, 1, 2]);
});

it('a failed op whose statements drew no database error failed for a reason of its own: error, never a violation', () => {
  const lane = new CommandLane(0);
  run(lane, ok('SELECT 1', 1, 2));
  lane.opLine({ outcome: 'error', keys: [], error: 'ValueError: bad input' });
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

it("an op line read before its last statement's end waits for it: the op takes that statement's error, the next op's statements stay the next op's", () => {
  const lane = new CommandLane(0);
  run(lane, ok('SELECT 1 FROM django_session', 1, 2));
  lane.statementBegun(); // the insert: its ErrorResponse reached the program before its ReadyForQuery reached the proxy
  lane.opLine({ outcome: 'error', keys: ['k'], error: 'UniqueViolation' });
  expect(lane.ops).toBe(0);
  lane.statementBegun(); // the next op's first statement, forwarded behind it
  lane.statement(duplicate(3, 5));
  expect(lane.ops).toBe(1);
  lane.statement(ok('SELECT 1 FROM django_session', 6, 7));
  lane.opLine({ outcome: 'ok', keys: ['k'] });
  const report = lane.report();
  expect([report.outcomes.integrity_error, report.outcomes.ok, report.outcomes.error]).toEqual([1, 1, 0]);
  expect(report.samples[0]!.error).toMatchObject({ code: '23505', raisedAs: 'UniqueViolation' });
  expect(report.steps.map((e) => [e.op, e.step])).toEqual([
    [1, 'select'],
    [1, 'insert'],
    [2, 'select'],
  ]);
});

it("a process that ended with an op line still waiting has that op accounted for as it stands", () => {
  const lane = new CommandLane(0);
  lane.statementBegun();
  lane.opLine({ outcome: 'ok', keys: [] });
  expect(lane.report().ops).toBe(1);
});

it('a statement dropped before it began is no op\'s; one lost leaves its op indeterminate; an unclassified error keeps the database\'s words', () => {
  const lane = new CommandLane(0);
  lane.statementBegun();
  lane.statement({ sql: 'INSERT INTO t VALUES (1)', startUs: 1, endUs: 2, ended: 'lost', result: 'lost: its connection ended first' });
  lane.statement({ sql: 'COMMIT', startUs: 3, endUs: 3, ended: 'dropped', result: 'dropped: never sent' });
  lane.opLine({ outcome: 'error', keys: [], error: 'OperationalError: server closed the connection' });
  lane.statementBegun();
  lane.statement({ sql: 'SELECT * FROM missing', startUs: 4, endUs: 5, ended: 'ready', result: '42P01 relation "missing" does not exist', error: { record: { code: '42P01', message: 'relation "missing" does not exist' } } });
  lane.opLine({ outcome: 'error', keys: [], error: 'UndefinedTable' });
  const report = lane.report();
  expect([report.ops, report.outcomes.indeterminate, report.outcomes.error, report.statements]).toEqual([2, 1, 1, 2]);
  expect(report.samples.map((sample) => sample.error)).toEqual([
    { message: 'insert was sent, and its connection ended before the answer', raisedAs: 'OperationalError: server closed the connection' },
    { code: '42P01', message: 'relation "missing" does not exist', raisedAs: 'UndefinedTable' },
  ]);
});
