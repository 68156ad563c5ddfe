import { describe, expect, it } from 'vitest';
import { OpTimeout, OpWatchdog } from './op-watchdog.ts';

describe('OpWatchdog', () => {
  it('passes on what an op returns or throws within its budget', async () => {
    const watchdog = new OpWatchdog(1_000, 's');
    try {
      await expect(watchdog.guard(Promise.resolve(7))).resolves.toBe(7);
      await expect(watchdog.guard(Promise.reject(new Error('own')))).rejects.toThrow('own');
    } finally {
      watchdog.stop();
    }
  });

  it('ends an op that never settles, soon after its budget, and then guards the next one', async () => {
    const watchdog = new OpWatchdog(100, 'hangs');
    try {
      const started = performance.now();
      await expect(watchdog.guard(new Promise(() => undefined))).rejects.toThrow(new OpTimeout('hangs: op did not finish within 100 ms (--op-timeout)'));
      const waited = performance.now() - started;
      expect(waited).toBeGreaterThanOrEqual(100);
      expect(waited).toBeLessThan(1_000);
      await expect(watchdog.guard(Promise.resolve('next'))).resolves.toBe('next');
    } finally {
      watchdog.stop();
    }
  });
});

describe('OpWatchdog and an abandoned op', () => {
  it('an abandoned op that settles later leaves the next op guarded', async () => {
    const watchdog = new OpWatchdog(100, 'late');
    try {
      let settleLate!: () => void;
      const late = new Promise<void>((resolve) => (settleLate = resolve));
      await expect(watchdog.guard(late)).rejects.toBeInstanceOf(OpTimeout);
      const next = watchdog.guard(new Promise(() => undefined));
      settleLate(); // the abandoned op settles while the next one runs
      await expect(next).rejects.toThrow(new OpTimeout('late: op did not finish within 100 ms (--op-timeout)'));
    } finally {
      watchdog.stop();
    }
  });
});
