import { describe, expect, it } from 'vitest';
import { readBackendKeyData, readCommandTag, readErrorFields, readParameterStatus, readReadyForQuery } from './backend-messages.ts';
import { cstr, int32 } from '../../../test/postgres-wire-fixtures.ts';

const body = (fields: [string, string][]) => Buffer.concat([...fields.map(([k, v]) => Buffer.concat([Buffer.from(k), cstr(v)])), Buffer.from([0])]);

describe("the server's messages", () => {
  it('reads an ErrorResponse: SQLSTATE, message, detail, constraint, and the untranslated severity over the localized one', () => {
    const error = body([
      ['S', 'FEHLER'],
      ['V', 'ERROR'],
      ['C', '23505'],
      ['M', 'duplicate key value violates unique constraint "t_pkey"'],
      ['D', 'Key (k)=(1) already exists.'],
      ['s', 'racelab_x'],
      ['n', 't_pkey'],
    ]);
    expect(readErrorFields(error)).toEqual({ code: '23505', message: 'duplicate key value violates unique constraint "t_pkey"', severity: 'ERROR', detail: 'Key (k)=(1) already exists.', constraint: 't_pkey' });
  });

  it('takes the localized severity when the server sends no untranslated one, and leaves absent fields out', () => {
    expect(readErrorFields(body([['S', 'FATAL'], ['C', '57P01'], ['M', 'terminating connection']]))).toEqual({ code: '57P01', message: 'terminating connection', severity: 'FATAL' });
  });

  it('reads BackendKeyData, ReadyForQuery, ParameterStatus and a command tag', () => {
    expect(readBackendKeyData(Buffer.concat([int32(1234), int32(99)]))).toEqual({ pid: 1234, secret: int32(99) });
    expect(['I', 'T', 'E'].map((s) => readReadyForQuery(Buffer.from(s)))).toEqual(['idle', 'in-transaction', 'failed']);
    expect(readParameterStatus(Buffer.concat([cstr('server_version'), cstr('15.20')]))).toEqual({ name: 'server_version', value: '15.20' });
    expect(readCommandTag(cstr('INSERT 0 1'))).toBe('INSERT 0 1');
  });
});
