/**
 * The PostgreSQL servers the suite runs against: the embedded one always, and the machine's own
 * server when DATABASE_URL names one, so two server versions are covered. Without DATABASE_URL
 * that part shows as skipped.
 */
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { connectDatabase } from '../stores/postgres/database.ts';
import type { Database } from '../harness/contract/store.ts';

export interface TestServer {
  label: string;
  url: string;
}

/** Declares `body` once per server, each in its own describe block named after the server. */
export function describeEachServer(title: string, body: (server: TestServer) => void): void {
  describe(`${title} · embedded PostgreSQL`, () => body({ label: 'embedded', url: inject('embeddedUrl') }));
  const external = process.env['DATABASE_URL'];
  describe.skipIf(!external)(`${title} · DATABASE_URL`, () => body({ label: 'DATABASE_URL', url: external ?? '' }));
}

/** A Database over a server that is already running: stop() drops leftover schemas only. */
export function connect(server: TestServer): Promise<Database> {
  return connectDatabase('server', server.url);
}

/** Connects before the enclosing block's tests and stops after them; call the result to get it. */
export function connectedDatabase(server: TestServer): () => Database {
  let database: Database | undefined;
  beforeAll(async () => {
    database = await connect(server);
  });
  afterAll(async () => {
    await database?.stop();
  });
  return () => database!;
}
