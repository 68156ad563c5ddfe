import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SQLITE_DRIVER } from './sqlite-driver.ts';

const TMUX = spawnSync('tmux', ['-V']).status === 0;

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'racelab-width-test-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * Runs racelab in a real 80×24 terminal (tmux's default size) and returns the screen and its
 * scrollback with wrapped lines joined, so a line that wrapped shows as one longer than 80.
 */
async function inTmux(args: string[]): Promise<string> {
  const socket = `racelab-test-${process.pid}`;
  const bin = resolve('bin/racelab.js');
  // CI is unset inside: the progress line is drawn only for a person at a terminal.
  const command = `env -u CI COLUMNS= node ${bin} ${args.map((a) => `'${a}'`).join(' ')}; echo RACELAB-EXIT-$?; sleep 600`;
  execFileSync('tmux', ['-L', socket, '-f', '/dev/null', 'new-session', '-d', '-x', '80', '-y', '24', '-s', 'width', command]);
  try {
    for (let waited = 0; waited < 120_000; waited += 250) {
      const screen = execFileSync('tmux', ['-L', socket, 'capture-pane', '-p', '-J', '-S', '-2000', '-t', 'width'], { encoding: 'utf8' });
      if (screen.includes('RACELAB-EXIT-')) return screen;
      await delay(250);
    }
    throw new Error('racelab did not finish within 2 minutes in tmux');
  } finally {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
  }
}

describe.skipIf(!TMUX)('an 80-column terminal (tmux)', () => {
  it('leaves no wrapped progress line behind, and turns the wide table into blocks', async () => {
    // The bar is drawn every 200 ms and at each scenario's end, so seven scenarios draw it at
    // whatever size. Exit 0 needs the three unsafe ones to reproduce, as gate.test.ts's catalogue
    // run needs at this size, 4×400 K=16 (naive-save: at least 76 IntegrityErrors in bench:odds, P(none) < 10^-32).
    const screen = await inTmux(['reproduce', '--db', inject('embeddedUrl'), '--scenario', 'all', '--ops', '400', '--key-space', '16', '--out', join(work, 'out')]);
    expect(screen).toContain('RACELAB-EXIT-0');
    // The progress line was drawn (it is redrawn in place and cleared at the end): no trace of a
    // bar may remain, and no line of the report may be wider than the terminal.
    expect(screen).not.toMatch(/[░█]/);
    const table = screen.slice(screen.indexOf('property:'), screen.indexOf('First IntegrityError'));
    expect(table).toMatch(/^naive-save: reproduced \(as expected\)$/m);
    for (const line of table.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
  }, 150_000);

  it.skipIf(!SQLITE_DRIVER)('turns the database × scenario table into one block per database', async () => {
    // Exit 0 needs naive-save to reproduce on both: bench:odds measured, at 4×1000 K=64 over 10
    // runs, at least 56 IntegrityErrors on the embedded PostgreSQL and 46 on SQLite: P(none) < 2·e^-46.
    const screen = await inTmux(['reproduce', '--db', `${inject('embeddedUrl')},sqlite`, '--scenario', 'naive-save,select-for-update,atomic-create', '--ops', '1000', '--out', join(work, 'list')]);
    expect(screen).toContain('RACELAB-EXIT-0');
    const table = screen.slice(screen.indexOf('property:'), screen.indexOf('skipped select-for-update on SQLite'));
    expect(table).toMatch(/^sqlite:\n {2}naive-save +reproduced +\S+ \[\S+, \S+\] +IntegrityError$/m);
    expect(table).toMatch(/^ {2}select-for-update +skipped$/m);
    for (const line of table.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
  }, 150_000);
});
