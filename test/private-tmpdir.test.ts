import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clusterDirPrefix } from '../stores/postgres/embedded.ts';
import { clustersOf, processesMentioning, startCli, within } from './cli-process.ts';

/**
 * Only root starts the embedded PostgreSQL as another user (`postgres`), the one that must reach the
 * temporary directory; run as anyone else, the server is that user's own and this cannot happen.
 */
const AS_ROOT = process.getuid?.() === 0;
if (!AS_ROOT) console.log('private TMPDIR test skipped: only a racelab run as root starts PostgreSQL as another user');

describe.skipIf(!AS_ROOT)('npm run reproduce as root, with TMPDIR private to root (mode 700)', () => {
  let own: string | undefined;
  let out: string | undefined;
  afterAll(() => {
    for (const dir of [own, out]) if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('runs its embedded cluster in /tmp, says so in one line, and leaves nothing in either', async () => {
    // Directly in the suite's temp directory, so that it is the one directory on the way that stops the service user.
    own = mkdtempSync(join(tmpdir(), 'racelab-private-tmpdir-'));
    chmodSync(own, 0o700);
    out = mkdtempSync(join(tmpdir(), 'racelab-private-tmpdir-report-'));
    // `npm run reproduce` as it is, at the defaults (4×2000, K=64): `npm run bench:odds` measured at
    // least 129 IntegrityErrors for naive-save per run over 10 runs (as test/package.test.ts quotes
    // it): P(none) < e^-129.
    const { child, done } = startCli(['reproduce', '--db', 'embedded', '--out', out], { env: { TMPDIR: own } });
    const result = await done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(
      `embedded PostgreSQL: the postgres user it runs as under root cannot reach TMPDIR=${own} (${own} is mode 700, owned by uid 0 and gid 0): its cluster goes in /tmp instead\n`,
    );
    // Its cluster's directory, named by its pid, is gone from /tmp, and nothing runs in it: its
    // guardian, given a second to leave once racelab is done with it, may outlast a loaded exit.
    expect(clustersOf(child.pid!, '/tmp')).toEqual([]);
    const running = () => processesMentioning(`/tmp/${clusterDirPrefix(child.pid!)}`);
    expect(await within(5_000, () => running().length === 0), running().join('\n')).toBeLessThan(5_000);
    expect(readdirSync(own)).toEqual([]);
  });
});
