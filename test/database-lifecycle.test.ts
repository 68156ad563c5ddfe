import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { connectDatabase, type StartedInstance } from '../stores/postgres/database.ts';
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

describe('the embedded cluster from a template', () => {
  const cache = mkdtempSync(join(tmpdir(), 'racelab-template-cache-'));
  const env = { ...process.env, RACELAB_CACHE_DIR: cache };
  afterAll(() => rmSync(cache, { recursive: true, force: true }));

  /** Starts a cluster with the test's cache, proves it answers, stops it, and says how its data was made. */
  async function startOnce(lines: string[]): Promise<StartedInstance['dataFrom']> {
    const instance = await startEmbedded(undefined, undefined, { env, progress: (line) => lines.push(line) });
    try {
      const client = new pg.Client({ connectionString: instance.url });
      await client.connect();
      try {
        expect((await client.query('SELECT current_setting($1) AS fsync', ['fsync'])).rows).toEqual([{ fsync: 'off' }]);
      } finally {
        await client.end();
      }
    } finally {
      await instance.stop();
    }
    return instance.dataFrom;
  }

  it('runs initdb the first time and keeps the cluster; the next start copies it, and a copy that will not start is dropped', async () => {
    const lines: string[] = [];
    expect(await startOnce(lines)).toBe('initialised');
    expect(lines).toEqual([expect.stringMatching(/^embedded PostgreSQL: ran initdb once and kept the result as a template in .*; the next start copies it$/)]);
    const [template] = readdirSync(join(cache, 'templates'));
    expect(template).toMatch(/^postgres-[0-9a-f]{16}$/);

    lines.length = 0;
    expect(await startOnce(lines)).toBe('template');
    expect(lines).toEqual([]);

    // A copy gets a password of its own: the one kept with the template no longer opens it.
    const kept = JSON.parse(readFileSync(join(cache, 'templates', template!, 'template.json'), 'utf8')).meta.password as string;
    const copy = await startEmbedded(undefined, undefined, { env });
    try {
      expect(copy.dataFrom).toBe('template');
      expect(new URL(copy.url).password).not.toBe(kept);
      const withKept = new URL(copy.url);
      withKept.password = kept;
      await expect(new pg.Client({ connectionString: withKept.toString() }).connect()).rejects.toMatchObject({ code: '28P01' });
    } finally {
      await copy.stop();
    }

    // Damage the fingerprint cannot see (same size, same mtime): the server refuses the copy.
    const control = join(cache, 'templates', template!, 'data', 'global', 'pg_control');
    const { size, mtimeMs } = statSync(control);
    writeFileSync(control, Buffer.alloc(size));
    // Half a millisecond in, so that the float seconds land within the same millisecond.
    const sameMs = (Math.trunc(mtimeMs) + 0.5) / 1000;
    utimesSync(control, sameMs, sameMs);
    expect(await startOnce(lines)).toBe('initialised');
    expect(lines).toEqual([expect.stringMatching(/^embedded PostgreSQL: a cluster copied from the template did not start \(.*\), a fresh one did: dropped the template; the next start keeps a new one$/)]);
    // The next start keeps a new template, which the one after trusts.
    lines.length = 0;
    expect(await startOnce(lines)).toBe('initialised');
    expect(lines).toEqual([expect.stringMatching(/kept the result as a template/)]);
    expect(await startOnce(lines)).toBe('template');
    expect(clustersOf(process.pid)).toEqual([]);
  });
});

