import { describe, expect, it } from 'vitest';
import { parseFlags } from './parse-flags.ts';
import { UsageError } from '../run/errors.ts';

describe('parseFlags', () => {
  const known = ['workers', 'key-space'] as const;

  it('reads both spellings, and values that start with a dash', () => {
    expect(parseFlags('reproduce', ['--workers', '3', '--key-space=-1'], known)).toMatchObject({ workers: '3', 'key-space': '-1' });
  });

  it('takes bare flags and as many positionals as allowed', () => {
    const parsed = parseFlags('explore', ['naive-save', '--exhaustive', '--workers', '2'], known, { flags: ['exhaustive'], positionals: 1 });
    expect(parsed.positionals).toEqual(['naive-save']);
    expect(parsed.flags).toEqual(new Set(['exhaustive']));
    expect(parsed.workers).toBe('2');
    expect(() => parseFlags('explore', ['a', 'b'], known, { positionals: 1 })).toThrow('unexpected argument "b"');
    expect(() => parseFlags('explore', ['--exhaustive=yes'], known, { flags: ['exhaustive'] })).toThrow('--exhaustive takes no value');
  });

  it.each([
    [['--nope', '1'], 'unknown option --nope (see racelab reproduce --help)'],
    [['stray'], 'unexpected argument "stray" (see racelab reproduce --help)'],
    [['--workers'], '--workers needs a value (see racelab reproduce --help)'],
    [['--workers', '1', '--workers', '2'], '--workers is given twice'],
  ])('%j → %s', (args, message) => {
    expect(() => parseFlags('reproduce', args, known)).toThrow(new UsageError(message));
  });
});
