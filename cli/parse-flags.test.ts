import { describe, expect, it } from 'vitest';
import { parseFlags } from './parse-flags.ts';
import type { OptionSpec } from './option-spec.ts';
import { UsageError } from '../run/errors.ts';

describe('parseFlags', () => {
  const options: OptionSpec<'workers' | 'key-space' | 'exhaustive'>[] = [
    { name: 'workers', value: 'N', help: '' },
    { name: 'key-space', value: 'K', help: '' },
    { name: 'exhaustive', help: '' },
  ];

  it('reads both spellings, and values that start with a dash', () => {
    expect(parseFlags('reproduce', ['--workers', '3', '--key-space=-1'], options)).toMatchObject({ workers: '3', 'key-space': '-1' });
  });

  it('takes bare flags and as many positionals as allowed', () => {
    const parsed = parseFlags('explore', ['naive-save', '--exhaustive', '--workers', '2'], options, { positionals: 1 });
    expect(parsed.positionals).toEqual(['naive-save']);
    expect(parsed.flags).toEqual(new Set(['exhaustive']));
    expect(parsed.workers).toBe('2');
    expect(() => parseFlags('explore', ['a', 'b'], options, { positionals: 1 })).toThrow('unexpected argument "b"');
    expect(() => parseFlags('explore', ['--exhaustive=yes'], options)).toThrow('--exhaustive takes no value');
  });

  it.each([
    [['--nope', '1'], 'unknown option --nope (see racelab reproduce --help)'],
    [['stray'], 'unexpected argument "stray" (see racelab reproduce --help)'],
    [['--workers'], '--workers needs a value (see racelab reproduce --help)'],
    [['--workers', '1', '--workers', '2'], '--workers is given twice'],
    [['--worker', '4'], 'unknown option --worker (did you mean --workers?)'],
    [['--key_space=4'], 'unknown option --key_space (did you mean --key-space?)'],
    [['--exhaust'], 'unknown option --exhaust (did you mean --exhaustive?)'],
    [['-workers', '4'], 'unexpected argument "-workers" (did you mean --workers?)'],
    [['--format', 'trac'], "--format is reproduce's"],
  ])('%j → %s', (args, message) => {
    expect(() => parseFlags('reproduce', args, options, { refused: { format: "is reproduce's" } })).toThrow(new UsageError(message));
  });
});
