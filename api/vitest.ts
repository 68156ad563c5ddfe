/**
 * racelab/vitest: a vitest global setup that starts one PostgreSQL for the whole test run, so that
 * every race() and expectRaceFree() of the run shares it and a call costs its ops, not a database
 * start. In vitest.config.ts:
 *
 *   export default defineConfig({ test: { globalSetup: ['racelab/vitest'] } });
 *
 * It uses DATABASE_URL when that is set, and otherwise starts an embedded PostgreSQL, which it
 * stops and removes when the run ends (its guardian removes it even if vitest is killed).
 */
import { SHARED_DATABASE_ENV, SHARED_DATABASE_RERUN_ENV } from './race.ts';
import { startEmbedded } from '../stores/postgres/embedded.ts';

let stop: (() => Promise<void>) | undefined;

export async function setup(): Promise<void> {
  const given = process.env['DATABASE_URL'];
  if (given) {
    process.env[SHARED_DATABASE_ENV] = given;
    process.env[SHARED_DATABASE_RERUN_ENV] = given;
    return;
  }
  const instance = await startEmbedded();
  stop = () => instance.stop();
  // Set before vitest starts its workers, which inherit it. The server is gone when the run
  // ends, so a rerun a test prints starts an embedded PostgreSQL of its own.
  process.env[SHARED_DATABASE_ENV] = instance.url;
  process.env[SHARED_DATABASE_RERUN_ENV] = 'embedded';
}

export async function teardown(): Promise<void> {
  delete process.env[SHARED_DATABASE_ENV];
  delete process.env[SHARED_DATABASE_RERUN_ENV];
  await stop?.();
  stop = undefined;
}
