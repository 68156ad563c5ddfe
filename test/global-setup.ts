import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbedded } from '../stores/postgres/embedded.ts';
import type { StartedInstance } from '../stores/postgres/database.ts';
import { probeMysql } from './mysql-probe.ts';
import { missingDriverLines } from './sqlite-driver.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A real PostgreSQL started from the npm binaries for this test run. */
    embeddedUrl: string;
    /** A MariaDB or MySQL server that answered, or '' when none did: its tests are then skipped. */
    mysqlUrl: string;
  }
}

let instance: StartedInstance | undefined;
let cache: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  // racelab's cache for this test run alone, inherited by every test file and every racelab it
  // starts: what the user's own cache holds (templates, transpiled scenarios) shapes no result,
  // and the suite leaves nothing in it. The run's first start keeps the template the others copy.
  cache = mkdtempSync(join(tmpdir(), 'racelab-test-cache-'));
  process.env['RACELAB_CACHE_DIR'] = cache;
  const [started, mysql] = await Promise.all([startEmbedded(), probeMysql()]);
  instance = started;
  project.provide('embeddedUrl', instance.url);
  project.provide('mysqlUrl', mysql.url ?? '');
  // Said once, where the run's output starts: the skipped tests alone do not say why.
  if (mysql.url === undefined) console.log(`MariaDB/MySQL tests skipped: ${mysql.why}`);
  for (const line of missingDriverLines()) console.log(line);
}

export async function teardown(): Promise<void> {
  await instance?.stop();
  if (cache !== undefined) rmSync(cache, { recursive: true, force: true });
}
