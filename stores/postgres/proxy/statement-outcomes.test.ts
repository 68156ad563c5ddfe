import { describe, expect, it } from 'vitest';
import { FrameReader } from './frame-reader.ts';
import { StatementOutcomes, type ServerEvent } from './statement-outcomes.ts';
import type { Statement } from './types.ts';
import { commandComplete, errorResponse, int32, message, readyForQuery } from '../../../test/postgres-wire-fixtures.ts';

function events(outcomes: StatementOutcomes, ...messages: Buffer[]): ServerEvent[] {
  const reader = new FrameReader();
  reader.push(Buffer.concat(messages));
  const out: ServerEvent[] = [];
  for (let frame = reader.nextMessage(); frame !== undefined; frame = reader.nextMessage()) {
    const event = outcomes.read(frame);
    if (event !== undefined) out.push(event);
  }
  return out;
}

const statement = (seq: number): Statement => ({ seq, protocol: 'simple', texts: [`SELECT ${seq}`], messages: 'Q' });

describe('StatementOutcomes', () => {
  it('gives the backend key, and takes the first ReadyForQuery as the end of startup', () => {
    const outcomes = new StatementOutcomes(() => 0);
    expect(events(outcomes, message('K', int32(77), int32(5)), readyForQuery('I'))).toEqual([{ kind: 'backend-key', pid: 77, secret: int32(5) }, { kind: 'startup-done' }]);
  });

  it('matches answers to pipelined statements in order, with tags, the first error, the transaction status and times', () => {
    let clock = 100;
    const outcomes = new StatementOutcomes(() => clock++);
    events(outcomes, readyForQuery('I'));
    const [one, two] = [statement(1), statement(2)];
    outcomes.forwarded(one);
    outcomes.forwarded(two);
    expect(outcomes.unanswered().map((u) => u.statement)).toEqual([one, two]);
    const got = events(
      outcomes,
      commandComplete('BEGIN'),
      commandComplete('INSERT 0 1'),
      readyForQuery('T'),
      errorResponse({ S: 'ERROR', V: 'ERROR', C: '23505', M: 'duplicate key', n: 't_pkey' }),
      errorResponse({ S: 'ERROR', V: 'ERROR', C: '25P02', M: 'current transaction is aborted' }),
      readyForQuery('E'),
    );
    expect(got).toEqual([
      { kind: 'statement-done', statement: one, outcome: { kind: 'ready', tags: ['BEGIN', 'INSERT 0 1'], transaction: 'in-transaction', startUs: 100, endUs: 102 } },
      { kind: 'statement-done', statement: two, outcome: { kind: 'ready', tags: [], error: { code: '23505', message: 'duplicate key', severity: 'ERROR', constraint: 't_pkey' }, transaction: 'failed', startUs: 101, endUs: 103 } },
    ]);
    expect(outcomes.unanswered()).toEqual([]);
  });

  it("counts a FunctionCall's ReadyForQuery without telling anyone, so the next statement's answer is still its own", () => {
    const outcomes = new StatementOutcomes(() => 0);
    events(outcomes, readyForQuery('I'));
    outcomes.forwarded(undefined);
    outcomes.forwarded(statement(1));
    const got = events(outcomes, readyForQuery('I'), commandComplete('SELECT 1'), readyForQuery('I'));
    expect(got.map((e) => e.kind === 'statement-done' && [e.statement.seq, e.outcome.tags])).toEqual([[1, ['SELECT 1']]]);
  });
});
