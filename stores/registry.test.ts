import { describe, expect, it } from 'vitest';
import { ChoiceError, parseChoice, planDatabase } from './registry.ts';
import type { SqliteDriverName } from './sqlite/drivers/driver.ts';
import type { DatabaseChoice, PlanContext } from './descriptor.ts';
import type { RuntimeProbe } from './shared/container-runtime.ts';

const noRuntime = async (): Promise<RuntimeProbe> => ({ found: false, tried: ['unix:///var/run/docker.sock: ENOENT'] });
const runtime = async (): Promise<RuntimeProbe> => ({ found: true, endpoint: 'unix:///var/run/docker.sock' });

/** planDatabase with what it asks of the machine given: the environment, the runtime probe, the installed packages, MariaDB's binaries. */
function plan(choice: DatabaseChoice, env: NodeJS.ProcessEnv, probeContainers?: PlanContext['probeContainers'], installed?: PlanContext['installed'], binaries?: () => unknown) {
  return planDatabase(choice, { env, ...(probeContainers && { probeContainers }), ...(installed && { installed }), ...(binaries && { lookups: { mysql: binaries } }) });
}

describe('planDatabase: the rule of docs/architecture.md', () => {
  it('takes an explicit URL over everything, and never prints its password', async () => {
    const planned = await plan({ url: 'postgres://u:pw@127.0.0.1:5432/x' }, { DATABASE_URL: 'postgres://other/y' }, runtime);
    expect(planned).toEqual({ database: 'postgresql', kind: 'server', family: 'postgresql', url: 'postgres://u:pw@127.0.0.1:5432/x', reason: '--db postgres://u:***@127.0.0.1:5432/x' });
  });

  it('auto: DATABASE_URL before a container runtime', async () => {
    expect(await plan('auto', { DATABASE_URL: 'postgres://127.0.0.1/y' }, runtime)).toMatchObject({
      kind: 'server',
      url: 'postgres://127.0.0.1/y',
      fromEnv: true,
      reason: 'DATABASE_URL=postgres://127.0.0.1/y',
    });
  });

  it('auto: a container runtime before the embedded cluster', async () => {
    expect(await plan('auto', {}, runtime, () => true)).toEqual({
      database: 'postgresql',
      kind: 'container',
      family: 'postgresql',
      reason: 'container runtime at unix:///var/run/docker.sock',
    });
  });

  it('auto: the embedded cluster when no runtime answers, saying what was tried', async () => {
    expect(await plan('auto', {}, noRuntime)).toEqual({
      database: 'postgresql',
      kind: 'embedded',
      family: 'postgresql',
      reason: 'no container runtime answered (unix:///var/run/docker.sock: ENOENT)',
    });
  });

  it('auto with the real probe and a DOCKER_HOST that points nowhere falls back to embedded', async () => {
    expect(await plan('auto', { DOCKER_HOST: 'tcp://127.0.0.1:1' })).toMatchObject({ kind: 'embedded' });
  });

  it('docker: refuses to fall back silently when asked for a container', async () => {
    await expect(plan('docker', {}, noRuntime)).rejects.toThrow(
      '--db docker: no container runtime answered (tried unix:///var/run/docker.sock: ENOENT); start Docker or Podman, or use --db embedded',
    );
  });

  it('a runtime without testcontainers installed: auto falls back to embedded and says why; docker says what to install', async () => {
    const absent = () => false;
    expect(await plan('auto', {}, runtime, absent)).toEqual({
      database: 'postgresql',
      kind: 'embedded',
      family: 'postgresql',
      reason: 'container runtime at unix:///var/run/docker.sock, but @testcontainers/postgresql is not installed',
    });
    await expect(plan('docker', {}, runtime, absent)).rejects.toThrow(
      '--db docker needs @testcontainers/postgresql, an optional peer of racelab: npm install --save-dev @testcontainers/postgresql@11',
    );
  });

  it('embedded: asks no runtime', async () => {
    const probe = async (): Promise<RuntimeProbe> => {
      throw new Error('must not be called');
    };
    expect(await plan('embedded', {}, probe)).toEqual({ database: 'postgresql', kind: 'embedded', family: 'postgresql', reason: '--db embedded' });
  });
});

describe('planDatabase: MariaDB and MySQL', () => {
  const mariadbBinaries = () => ({ product: 'MariaDB' as const, installDb: '/usr/bin/mariadb-install-db', server: '/usr/sbin/mariadbd' });

  it('takes mysql:// and mariadb:// URLs, from --db and from DATABASE_URL, as the MySQL store', async () => {
    expect(await plan({ url: 'mariadb://root@127.0.0.1:3306/test' }, {}, runtime)).toMatchObject({ database: 'mysql', kind: 'server', family: 'mysql' });
    expect(await plan('auto', { DATABASE_URL: 'mysql://root@127.0.0.1/test' }, runtime)).toMatchObject({ database: 'mysql', kind: 'server', family: 'mysql' });
  });

  it('mariadb: a throwaway server from the binaries found, asking no runtime', async () => {
    const probe = async (): Promise<RuntimeProbe> => {
      throw new Error('must not be called');
    };
    expect(await plan('mariadb', {}, probe, () => false, mariadbBinaries)).toEqual({
      database: 'mysql',
      kind: 'local',
      family: 'mysql',
      binaries: mariadbBinaries(),
      reason: '--db mariadb: a throwaway server from /usr/sbin/mariadbd',
    });
  });

  it('mariadb without binaries names the package to install', async () => {
    await expect(plan('mariadb', {}, noRuntime, () => false, () => undefined)).rejects.toThrow(/apt-get install mariadb-server/);
  });

  it('docker:mariadb and docker:mysql: the runtime, then the module, each named when missing', async () => {
    await expect(plan('docker:mariadb', {}, noRuntime)).rejects.toThrow(/^--db docker:mariadb: no container runtime answered .*use --db mariadb$/);
    await expect(plan('docker:mysql', {}, runtime, () => false)).rejects.toThrow(
      '--db docker:mysql needs @testcontainers/mysql, an optional peer of racelab: npm install --save-dev @testcontainers/mysql@11',
    );
    expect(await plan('docker:mariadb', {}, runtime, (name) => name === '@testcontainers/mariadb')).toEqual({
      database: 'mysql',
      kind: 'container',
      family: 'mysql',
      product: 'mariadb',
      reason: '--db docker:mariadb (unix:///var/run/docker.sock)',
    });
  });
});

describe('planDatabase: other PostgreSQL majors and SQLite', () => {
  const mustNotProbe = async (): Promise<RuntimeProbe> => {
    throw new Error('must not be called');
  };

  it('embedded@N: an embedded cluster of that major, asking no runtime', async () => {
    expect(await plan('embedded@13', {}, mustNotProbe)).toEqual({ database: 'postgresql', kind: 'embedded', family: 'postgresql', major: 13, reason: '--db embedded@13' });
  });

  /** planDatabase of a SQLite word on a machine where the drivers in `usable` run: each other one's `why` and `fix` name it. */
  const planSqlite = (choice: string, usable: readonly SqliteDriverName[], asked: SqliteDriverName[] = []) =>
    planDatabase(choice, {
      env: {},
      probeContainers: mustNotProbe,
      lookups: {
        sqlite: () => (driver: SqliteDriverName) => {
          asked.push(driver);
          return usable.includes(driver) ? { usable: true } : { usable: false, why: `${driver} is missing`, fix: `add ${driver}` };
        },
      },
    });

  it('sqlite: node:sqlite where this Node has it, without asking about better-sqlite3 (a native module loaded for nothing)', async () => {
    const asked: SqliteDriverName[] = [];
    expect(await planSqlite('sqlite', ['node:sqlite', 'better-sqlite3'], asked)).toEqual({
      database: 'sqlite',
      kind: 'sqlite',
      family: 'sqlite',
      driver: 'node:sqlite',
      reason: '--db sqlite: a file in a temporary directory, through node:sqlite',
    });
    expect(asked).toEqual(['node:sqlite']);
  });

  it('sqlite: better-sqlite3 where this Node has no node:sqlite, saying why', async () => {
    expect(await planSqlite('sqlite:/tmp/race.sqlite3', ['better-sqlite3'])).toEqual({
      database: 'sqlite',
      kind: 'sqlite',
      family: 'sqlite',
      driver: 'better-sqlite3',
      file: '/tmp/race.sqlite3',
      reason: '--db sqlite:/tmp/race.sqlite3: the file /tmp/race.sqlite3, through better-sqlite3, since node:sqlite is missing',
    });
  });

  it('sqlite@node and sqlite@better-sqlite3 pin the driver, with a file or without', async () => {
    expect(await planSqlite('sqlite@better-sqlite3', ['node:sqlite', 'better-sqlite3'])).toMatchObject({ driver: 'better-sqlite3', reason: '--db sqlite@better-sqlite3: a file in a temporary directory, through better-sqlite3' });
    expect(await planSqlite('sqlite@node:/tmp/race.sqlite3', ['node:sqlite', 'better-sqlite3'])).toMatchObject({ driver: 'node:sqlite', file: '/tmp/race.sqlite3' });
  });

  it('a driver that cannot run here: one line, exit 2 (ChoiceError), naming why, what adds it, and the other driver when it runs', async () => {
    await expect(planSqlite('sqlite@node', ['better-sqlite3'])).rejects.toThrow(new ChoiceError('--db sqlite@node: node:sqlite is missing; add node:sqlite, or use --db sqlite@better-sqlite3'));
    await expect(planSqlite('sqlite@better-sqlite3:/tmp/race.sqlite3', ['node:sqlite'])).rejects.toThrow(
      new ChoiceError('--db sqlite@better-sqlite3:/tmp/race.sqlite3: better-sqlite3 is missing; add better-sqlite3, or use --db sqlite@node:/tmp/race.sqlite3'),
    );
    await expect(planSqlite('sqlite@node', [])).rejects.toThrow(new ChoiceError('--db sqlite@node: node:sqlite is missing; add node:sqlite'));
    const neither = planSqlite('sqlite', []);
    await expect(neither).rejects.toBeInstanceOf(ChoiceError);
    await expect(neither).rejects.toThrow('--db sqlite: node:sqlite is missing, and better-sqlite3 is missing; add node:sqlite, or add better-sqlite3');
  });

  it('takes sqlite, sqlite@DRIVER and either with :PATH as words; a driver it has no adapter for, or a missing path, is refused', () => {
    for (const word of ['sqlite', 'sqlite:/tmp/a@b.sqlite3', 'sqlite@node', 'sqlite@better-sqlite3:/tmp/x']) expect(parseChoice(word)).toBe(word);
    expect(() => parseChoice('sqlite@sqlite3')).toThrow(new ChoiceError('--db sqlite@DRIVER takes node or better-sqlite3, got "sqlite@sqlite3"'));
    expect(() => parseChoice('sqlite@node:')).toThrow(new ChoiceError('--db sqlite@node:PATH must name a file, e.g. sqlite@node:/tmp/race.sqlite3'));
    expect(() => parseChoice('sqlite3')).toThrow(/^--db must be auto, .*sqlite, sqlite:PATH, sqlite@node, sqlite@better-sqlite3 or a URL/);
  });
});
