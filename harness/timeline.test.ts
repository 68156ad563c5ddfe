import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { markProblems } from '../test/timeline-checks.ts';
import type { StepEvent } from './recording-store.ts';
import { timelineOf } from './timeline.ts';
import type { TimelineEntry } from './contract/results.ts';

/** One statement of a fixture: its step, key, start and end in milliseconds, and what it returned or the error it raised. */
type Spec = [step: string, key: string | undefined, startMs: number, endMs: number, result?: string | { code: string; text: string }];

/** Worker `worker`'s op `op`, as its RecordingStore would have recorded it. */
function op(worker: number, opNumber: number, specs: readonly Spec[]): StepEvent[] {
  return specs.map(([step, key, startMs, endMs, result = 'ok']) => {
    const event: StepEvent = { worker, op: opNumber, step, startUs: Math.round(startMs * 1000), endUs: Math.round(endMs * 1000), result: '' };
    if (key !== undefined) event.key = key;
    if (typeof result === 'string') event.result = result;
    else Object.assign(event, { result: `${result.code} ${result.text}`, failed: true, code: result.code });
    return event;
  });
}

const error = (code: string, text: string) => ({ code, text });
const DUPLICATE_PG = error('23505', 'duplicate key value violates unique constraint "django_session_pkey"');
const nameOf = (e: TimelineEntry) => `w${e.worker} op${e.op} ${e.step}`;
/** The timeline's marks by statement: `✗`, `◀`, and `waited for …`, as the reader sees them. */
function marks(timeline: readonly TimelineEntry[] | undefined): Record<string, string> {
  expect(timeline).toBeDefined();
  const shown: Record<string, string> = {};
  for (const e of timeline!) {
    const mark = [e.role === 'failed' && '✗', e.role === 'won' && '◀', e.waitedFor && `waited for ${e.waitedFor}`].filter(Boolean).join('; ');
    if (mark) shown[nameOf(e)] = mark;
  }
  return shown;
}

describe('timeline marks, from the facts recorded on each statement', () => {
  it("a step its author named is known by the write it sent: ◀ on the other op's `create` that inserted", () => {
    const events = [
      ...op(2, 7, [['check', 'k3', 0, 1, '0 rows'], ['create', 'k3', 2, 4, '1 row']]),
      ...op(1, 5, [['check', 'k3', 0.5, 1.5, '0 rows'], ['create', 'k3', 3, 6, DUPLICATE_PG]]),
    ];
    events.find((e) => e.worker === 2 && e.step === 'create')!.wrote = 'insert';
    events.find((e) => e.worker === 1 && e.step === 'create')!.wrote = 'insert';
    const timeline = timelineOf({ worker: 1, op: 5, key: 'k3', error: { code: '23505' } }, events);
    expect(marks(timeline)).toEqual({ 'w1 op5 create': '✗; waited for w2 op7 create', 'w2 op7 create': '◀' });
    expect(markProblems(timeline!, true)).toEqual([]);
  });

  it("MariaDB: ✗ on the insert that got 1062 and ◀ on the insert it ran into, which is not shown waiting for that later insert", () => {
    // The issue's case: w4's insert began first and ended (on its worker's event loop) just after
    // w1's, which began later and failed. The old rule read "failed" from a five-character SQLSTATE
    // at the start of the result, which MariaDB's 1062 is not, and showed w4 waiting for w1.
    const events = [
      ...op(4, 40, [['exists', 'k14', 0, 1, 'false'], ['insert', 'k14', 2, 20.5]]),
      ...op(1, 40, [['exists', 'k14', 0.5, 1.5, 'false'], ['insert', 'k14', 3, 20, error('1062', "Duplicate entry 'k14' for key 'PRIMARY'")]]),
    ];
    const timeline = timelineOf({ worker: 1, op: 40, key: 'k14', error: { code: '1062' } }, events);
    expect(marks(timeline)).toEqual({ 'w1 op40 insert': '✗', 'w4 op40 insert': '◀' });
    expect(markProblems(timeline!, true)).toEqual([]);
  });

  it('SQLite: ✗ on the insert that got SQLITE_CONSTRAINT_PRIMARYKEY, ◀ on the insert before it, which it is shown waiting for', () => {
    // From a run on SQLite: w1's insert began and ended before w3's, and w3's ended within a hand-over of it.
    const events = [
      ...op(1, 23, [['exists', 'k19', 0, 0.155, 'false'], ['insert', 'k19', 0.175, 1.135]]),
      ...op(3, 22, [
        ['exists', 'k19', 0.036, 0.158, 'false'],
        ['insert', 'k19', 0.391, 1.257, error('SQLITE_CONSTRAINT_PRIMARYKEY', 'UNIQUE constraint failed: django_session.session_key')],
      ]),
    ];
    const timeline = timelineOf({ worker: 3, op: 22, key: 'k19', error: { code: 'SQLITE_CONSTRAINT_PRIMARYKEY' } }, events);
    expect(marks(timeline)).toEqual({ 'w3 op22 insert': '✗; waited for w1 op23 insert', 'w1 op23 insert': '◀' });
    expect(markProblems(timeline!, true)).toEqual([]);
  });

  describe('PostgreSQL, select-for-update', () => {
    const winner = op(2, 17, [['begin', undefined, 0, 0.3], ['existsForUpdate', 'k3', 0.4, 0.9, 'false'], ['insert', 'k3', 1, 1.4], ['commit', undefined, 1.7, 2.9]]);
    const loser = (insertAt: number, insertEnd: number) =>
      op(4, 18, [
        ['begin', undefined, 0.1, 0.35],
        ['existsForUpdate', 'k3', 1, 1.5, 'false'],
        ['insert', 'k3', insertAt, insertEnd, DUPLICATE_PG],
        ['rollback', undefined, insertEnd + 0.01, insertEnd + 0.2],
      ]);
    const timelineWith = (insertAt: number, insertEnd: number) => timelineOf({ worker: 4, op: 18, key: 'k3', error: { code: '23505' } }, [...winner, ...loser(insertAt, insertEnd)]);

    it('never shows two statements waiting for each other, nor a commit that won', () => {
      // The case: w4's failed insert came back just before w2's commit did (one event loop
      // carries both workers), and w4's rollback was sent before w2's commit came back. The old rule
      // showed the commit won and waited for w4's insert, and w4's rollback waited for that commit.
      const timeline = timelineWith(1.6, 2.88);
      expect(marks(timeline)).toEqual({ 'w4 op18 insert': '✗', 'w2 op17 insert': '◀' });
      expect(markProblems(timeline!, true)).toEqual([]);
    });

    it("names the insert whose lock a statement waited for when the commit that let it go began after it, else the commit", () => {
      // w4's insert waited on the row w2's insert wrote until w2 committed; the commit began after w4's insert did.
      expect(marks(timelineWith(1.6, 3))).toEqual({ 'w4 op18 insert': '✗; waited for w2 op17 insert', 'w2 op17 insert': '◀' });
      // Sent while w2's commit was on its way: the commit began first.
      expect(marks(timelineWith(1.8, 3))).toEqual({ 'w4 op18 insert': '✗; waited for w2 op17 commit', 'w2 op17 insert': '◀' });
      // Ended long after the commit: nothing says it waited for it.
      expect(marks(timelineWith(1.6, 5))).toEqual({ 'w4 op18 insert': '✗', 'w2 op17 insert': '◀' });
    });

    it("holds the failing op's locks until its transaction ends: its BEGIN, before it drew the key, is shown with it", () => {
      // w5's locking read came back right after w4's, which kept its lock until w4 rolled back:
      // read as autocommitted, w4's would have let it go as it returned, and w5 seemed to wait for it.
      const third = op(5, 9, [['begin', undefined, 1.1, 1.15], ['existsForUpdate', 'k3', 1.2, 1.6, 'false'], ['rollback', undefined, 5, 5.2]]);
      const timeline = timelineOf({ worker: 4, op: 18, key: 'k3', error: { code: '23505' } }, [...winner, ...loser(1.6, 2.88), ...third]);
      expect(marks(timeline)).toEqual({ 'w4 op18 insert': '✗', 'w2 op17 insert': '◀' });
      expect(timeline!.filter((e) => e.worker === 4).map((e) => e.step)).toEqual(['begin', 'existsForUpdate', 'insert', 'rollback']);
    });
  });

  it('◀ goes to the write that made the row: not one rolled back, nor one whose commit failed, nor a later update, nor a failed insert', () => {
    const events = [
      // Inserted, then rolled back: its row never stayed.
      ...op(2, 1, [['begin', undefined, 0, 0.05], ['insert', 'k', 0.1, 0.3], ['rollback', undefined, 0.35, 0.4]]),
      // Waited for w2's lock, then made the row.
      ...op(3, 1, [['insert', 'k', 0.2, 0.5]]),
      // Inserted, and its commit failed: no row of its stayed either.
      ...op(6, 1, [['begin', undefined, 0.45, 0.5], ['insert', 'k', 0.52, 0.58], ['commit', undefined, 0.6, 0.65, error('40001', 'could not serialize access')]]),
      // Overwrote w3's row: it made none.
      ...op(4, 1, [['update', 'k', 0.6, 0.7, '1 row']]),
      // Lost too.
      ...op(5, 1, [['insert', 'k', 0.55, 0.9, DUPLICATE_PG]]),
      ...op(1, 1, [['exists', 'k', 0.05, 0.15, 'false'], ['insert', 'k', 0.6, 1, DUPLICATE_PG]]),
    ];
    const timeline = timelineOf({ worker: 1, op: 1, key: 'k', error: { code: '23505' } }, events);
    expect(timeline!.filter((e) => e.role === 'won').map(nameOf)).toEqual(['w3 op1 insert']);
    expect(timeline!.filter((e) => e.role === 'failed').map(nameOf)).toEqual(['w1 op1 insert']);
    expect(marks(timeline)['w3 op1 insert']).toBe('◀; waited for w2 op1 insert');
    expect(markProblems(timeline!, true)).toEqual([]);
  });

  it("✗ goes to the statement that raised the op's error, not to a later one that failed too", () => {
    const events = [
      ...op(2, 1, [['insert', 'k', 0, 0.5]]),
      ...op(1, 1, [
        ['insert', 'k', 0.1, 0.6, DUPLICATE_PG],
        ['rollback', undefined, 0.7, 0.8, error('57P01', 'terminating connection due to administrator command')],
      ]),
    ];
    const timeline = timelineOf({ worker: 1, op: 1, key: 'k', error: { code: '23505' } }, events);
    expect(marks(timeline)).toEqual({ 'w1 op1 insert': '✗; waited for w2 op1 insert', 'w2 op1 insert': '◀' });
  });

  it("marks no ✗ and no ◀ for a violation the audit found, which no statement raised", () => {
    const events = [...op(1, 1, [['exists', 'k', 0, 0.1, 'false'], ['insert', 'k', 0.2, 0.4]]), ...op(2, 1, [['exists', 'k', 0.05, 0.15, 'false'], ['update', 'k', 0.3, 0.5, '1 row']])];
    const timeline = timelineOf({ worker: 1, op: 1, key: 'k', audit: { wrote: '{"owner":"w1:op1"}', found: '{"owner":"w2:op1"}' } }, events);
    expect(marks(timeline)).toEqual({ 'w2 op1 update': 'waited for w1 op1 insert' });
    expect(markProblems(timeline!, false)).toEqual([]);
  });

  it('any race of autocommitted and transactional saves on one key: one ✗, at most one ◀, and every wait toward a statement that began and ended before', () => {
    const DUPLICATE_CODES = ['23505', '1062', 'SQLITE_CONSTRAINT_PRIMARYKEY'];
    const opArbitrary = fc.record({
      shape: fc.constantFrom('save', 'upsert', 'select-for-update'),
      startUs: fc.integer({ min: 0, max: 5_000 }),
      durationsUs: fc.array(fc.integer({ min: 10, max: 3_000 }), { minLength: 4, maxLength: 4 }),
      gapsUs: fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 4, maxLength: 4 }),
      insertFails: fc.boolean(),
      updated: fc.boolean(),
      end: fc.constantFrom('commit', 'rollback'),
      code: fc.constantFrom(...DUPLICATE_CODES),
    });
    fc.assert(
      fc.property(fc.array(opArbitrary, { minLength: 2, maxLength: 5 }), (ops) => {
        fc.pre(ops.some((o) => o.insertFails));
        const events = ops.flatMap((o, i) => {
          const steps: Spec[] = [];
          const names =
            o.shape === 'save' ? ['exists', 'insert'] : o.shape === 'upsert' ? ['exists', 'update', 'insert'] : ['begin', 'existsForUpdate', 'insert', o.end];
          let at = o.startUs / 1000;
          for (const [n, step] of names.entries()) {
            const end = at + o.durationsUs[n]! / 1000;
            const result =
              step === 'insert' && o.insertFails ? error(o.code, 'duplicate') : step === 'update' ? (o.updated ? '1 row' : '0 rows') : step.startsWith('exists') ? 'false' : 'ok';
            steps.push([step, step === 'begin' || step === o.end ? undefined : 'k', at, end, result]);
            at = end + o.gapsUs[n]! / 1000;
          }
          return op(i + 1, 1, steps);
        });
        const failing = ops.findIndex((o) => o.insertFails);
        const timeline = timelineOf({ worker: failing + 1, op: 1, key: 'k', error: { code: ops[failing]!.code } }, events)!;
        expect(timeline.filter((e) => e.role === 'failed').map(nameOf)).toEqual([`w${failing + 1} op1 insert`]);
        expect(markProblems(timeline, false)).toEqual([]);
      }),
      { numRuns: 500, seed: 22 },
    );
  });
});
