import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { expect, it } from 'vitest';
import { runCli } from './cli-process.ts';
import { describeEachServer } from './databases.ts';

/** Everything a user's database holds outside racelab's schemas, reduced to one fingerprint. */
const FINGERPRINT = `
  SELECT md5(concat_ws('|',
    (SELECT string_agg(t::text, ',' ORDER BY session_key) FROM public.django_session t),
    (SELECT string_agg(n.nspname || '.' || c.relname || ':' || c.relkind::text || ':' || c.relowner::text, ',' ORDER BY n.nspname, c.relname)
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'),
    (SELECT string_agg(p.proname || ':' || md5(p.prosrc), ',' ORDER BY p.proname) FROM pg_proc p
       JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'),
    (SELECT last_value::text FROM public.user_ids),
    (SELECT string_agg(nspname, ',' ORDER BY nspname) FROM pg_namespace)
  )) AS fingerprint`;

describeEachServer('nothing touched that is not racelab’s', (server) => {
  it("a user's own django_session, view, function and sequence are byte-for-byte unchanged, and no racelab_ schema remains", async () => {
    const name = `racelab_untouched_${process.pid}`;
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(server.url);
    url.pathname = `/${name}`;
    const user = new pg.Client({ connectionString: url.toString() });
    const out = mkdtempSync(join(tmpdir(), 'racelab-untouched-'));
    try {
      await user.connect();
      await user.query(`
        CREATE TABLE public.django_session (session_key varchar(40) PRIMARY KEY, session_data text NOT NULL, expire_date timestamptz NOT NULL);
        INSERT INTO public.django_session SELECT 'user-session-' || i, 'data ' || i, '2030-01-01'::timestamptz + i * interval '1 hour' FROM generate_series(1, 50) i;
        CREATE VIEW public.live_sessions AS SELECT session_key FROM public.django_session WHERE expire_date > now();
        CREATE FUNCTION public.count_sessions() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM public.django_session';
        CREATE SEQUENCE public.user_ids; SELECT nextval('public.user_ids'); SELECT nextval('public.user_ids');`);
      const before = (await user.query(FINGERPRINT)).rows[0].fingerprint;

      const result = await runCli(['reproduce', '--db', url.toString(), '--scenario', 'all', '--ops', '100', '--key-space', '16', '--out', out]);
      expect(result.code, result.stderr).toBe(0);

      expect((await user.query(FINGERPRINT)).rows[0].fingerprint).toBe(before);
      const { rows } = await user.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'racelab%'`);
      expect(rows).toEqual([]);
    } finally {
      await user.end().catch(() => undefined);
      await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      await admin.end();
      rmSync(out, { recursive: true, force: true });
    }
  });
});
