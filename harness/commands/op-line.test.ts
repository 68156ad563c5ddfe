import { expect, it } from 'vitest';
import { parseOpLine } from './op-line.ts';

it('reads an ok op and the keys it names', () => {
  expect(parseOpLine('{"outcome":"ok","key":"k1"}\n')).toEqual({ outcome: 'ok', keys: ['k1'] });
  expect(parseOpLine('{"outcome":"ok","keys":["a","b","a"],"key":"c"}')).toEqual({ outcome: 'ok', keys: ['c', 'a', 'b'] });
});

it('reads a failed op with what the program raised and its traceback', () => {
  expect(parseOpLine('{"outcome":"error","error":"CreateError","traceback":"Traceback …","op":3}')).toEqual({
    outcome: 'error',
    keys: [],
    error: 'CreateError',
    traceback: 'Traceback …',
  });
});

it("ignores the program's own output: text, other JSON, broken JSON, unknown outcomes", () => {
  for (const line of ['Operations to perform:', '', '[1,2]', '{"level":"info"}', '{"outcome":"maybe"}', '{"outcome":"ok"', 'null']) expect(parseOpLine(line)).toBeUndefined();
});
