import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { connectDatabase } from '../stores/postgres/database.ts';
import { startEmbedded } from '../stores/postgres/embedded.ts';
import { clustersOf, processesMentioning } from './cli-process.ts';
import { connect, describeEachServer } from './databases.ts';

async function schemaExists(url: string, schema: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    return rowCount === 1;
  } finally {
    await client.end();
  }
}

describeEachServer('run schemas', (server) => {
  it('creates a django_session table in racelab_<runid>, and stop() drops what was not dropped yet', async () => {
    const database = await connect(server);
    const target = await database.createRunSchema('lifecycle_test');
    expect(target.schema).toBe('racelab_lifecycle_test');
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT column_name, data_type, character_maximum_length FROM information_schema.columns
          WHERE table_schema = $1 AND table_name = 'django_session' ORDER BY ordinal_position`,
        [target.schema],
      );
      expect(rows).toEqual([
        { column_name: 'session_key', data_type: 'character varying', character_maximum_length: 40 },
        { column_name: 'session_data', data_type: 'text', character_maximum_length: null },
        { column_name: 'expire_date', data_type: 'timestamp with time zone', character_maximum_length: null },
      ]);
    } finally {
      await client.end();
    }
    await database.stop();
    expect(await schemaExists(server.url, target.schema)).toBe(false);
    await database.stop(); // idempotent
  });

  it('refuses a run id that would make an unsafe identifier', async () => {
    const database = await connect(server);
    try {
      await expect(database.createRunSchema('x"; DROP TABLE users; --')).rejects.toThrow(RangeError);
    } finally {
      await database.stop();
    }
  });
});

describe('the embedded cluster', () => {
  it('runs a real PostgreSQL and removes its directory and process on stop', async () => {
    const instance = await startEmbedded();
    const [dir, ...others] = clustersOf(process.pid);
    expect(dir).toBeDefined();
    expect(others).toEqual([]);
    expect(processesMentioning(dir!).length).toBeGreaterThan(0);

    const database = await connectDatabase('embedded', instance.url, instance);
    expect(Number.parseInt(database.version, 10)).toBeGreaterThanOrEqual(16);
    await database.stop();

    expect(existsSync(join(tmpdir(), dir!))).toBe(false);
    expect(processesMentioning(dir!)).toEqual([]);
    await instance.stop(); // idempotent
  });

  it('asks for a password: the throwaway cluster is not open to every local user', async () => {
    const instance = await startEmbedded();
    try {
      const url = new URL(instance.url);
      url.password = 'wrong';
      const client = new pg.Client({ connectionString: url.toString() });
      await expect(client.connect()).rejects.toMatchObject({ code: '28P01' });
    } finally {
      await instance.stop();
    }
  });
});
