import { describe, expect, it } from 'vitest';
import { optionsHelp } from './options-help.ts';

describe('optionsHelp', () => {
  it('names the value each option takes and starts every description in one column, continuation lines too', () => {
    const lines = optionsHelp(
      [
        { name: 'db', value: 'DB', help: 'the database,\nand where the op runs', default: 'auto' },
        { name: 'explore-time', value: 'TIME', help: 'time cap' },
        { name: 'dry-run', help: 'remove nothing' },
      ],
      [{ name: 'SCENARIO', help: 'a name or a file' }],
    );
    expect(lines).toEqual([
      '  SCENARIO             a name or a file',
      '  --db DB              the database,',
      '                       and where the op runs (default auto)',
      '  --explore-time TIME  time cap',
      '  --dry-run            remove nothing',
    ]);
  });
});
