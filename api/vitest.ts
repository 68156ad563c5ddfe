/**
 * racelab/vitest: a vitest global setup that starts one database server for the whole test run, so
 * that every race() and expectRaceFree() of the run shares it and a call costs its ops, not a
 * database start. In vitest.config.ts:
 *
 *   export default defineConfig({ test: { globalSetup: ['racelab/vitest'] } });
 *
 * It uses DATABASE_URL when that is set, and otherwise starts racelab's default database (an
 * embedded PostgreSQL), which it stops and removes when the run ends (its guardian removes it even
 * if vitest is killed).
 */
import { SHARED_DATABASE_ENV, SHARED_DATABASE_RERUN_ENV } from './shared-database.ts';
import { startSharedServer } from '../stores/registry.ts';

let stop: (() => Promise<void>) | undefined;

export async function setup(): Promise<void> {
  const given = process.env['DATABASE_URL'];
  if (given) {
    process.env[SHARED_DATABASE_ENV] = given;
    process.env[SHARED_DATABASE_RERUN_ENV] = given;
    return;
  }
  // What the start has to say (a template kept, or one not trusted) goes to the terminal.
  const server = await startSharedServer((line) => console.error(`racelab/vitest: ${line}`));
  stop = () => server.stop();
  // Set before vitest starts its workers, which inherit it. The server is gone when the run
  // ends, so a rerun a test prints starts a database of its own.
  process.env[SHARED_DATABASE_ENV] = server.url;
  process.env[SHARED_DATABASE_RERUN_ENV] = server.rerunAs;
}

export async function teardown(): Promise<void> {
  delete process.env[SHARED_DATABASE_ENV];
  delete process.env[SHARED_DATABASE_RERUN_ENV];
  await stop?.();
  stop = undefined;
}
