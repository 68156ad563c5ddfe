import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChoiceError, registerDatabase, type DatabaseDescriptor } from '../stores/registry.ts';
import { runMain } from './cli-in-process.ts';

/**
 * A database of the test's own, registered from here alone: what a new database's folder gives
 * the registry, seen by every part of the CLI that names databases, with no other file changed.
 */
const fakeDb: DatabaseDescriptor = {
  id: 'fakedb',
  title: 'FakeDB',
  family: 'postgresql',
  words: ['fakedb', 'fakedb@1…3'],
  schemes: ['fakedb:'],
  exampleUrl: 'fakedb://user@127.0.0.1:7000/db',
  isolations: ['serializable', 'read-committed'],
  lacks: { 'advisory-locks': 'FakeDB keeps no advisory locks' },
  leftovers: 'the fake namespaces no live run holds',
  parseWord(raw) {
    if (raw === 'fakedb') return raw;
    const match = /^fakedb@(.*)$/.exec(raw);
    if (!match) return undefined;
    if (!['1', '2', '3'].includes(match[1]!)) throw new ChoiceError(`--db fakedb@N takes a FakeDB release from 1 to 3, got ${JSON.stringify(raw)}`);
    return raw;
  },
  async plan(choice) {
    return { database: 'fakedb', family: 'postgresql', kind: 'embedded', reason: `--db ${typeof choice === 'object' ? choice.url : choice}: a fake` };
  },
  async open(plan) {
    // What the user must change, found before anything was made: the embedded PostgreSQL's temp directory its service user cannot reach, say.
    if (plan.reason.startsWith('--db fakedb@3')) throw new ChoiceError('FakeDB@3 cannot start here: set FAKEDB_HOME to a directory it can reach');
    throw new Error('FakeDB starts nowhere: this test checks everything before a start');
  },
  async cleanOrphans() {
    return [];
  },
};

let unregister: () => void;
beforeAll(() => {
  unregister = registerDatabase(fakeDb);
});
afterAll(() => unregister());

describe('a database registered from its descriptor alone', () => {
  it('is in the help of every command that takes --db', async () => {
    for (const command of ['reproduce', 'gate', 'explore']) {
      const { stdout, code } = await runMain([command, '--help']);
      expect(code).toBe(0);
      expect(stdout).toContain('| fakedb | fakedb@1…3 |');
      expect(stdout).toContain('fakedb://…');
    }
    const clean = await runMain(['clean', '--help']);
    expect(clean.stdout).toContain('FakeDB: the fake namespaces no live run holds');
    expect(clean.stdout).toContain('fakedb://…');
  });

  it('is listed with its own name, its family’s expectations and its own lacks', async () => {
    const { stdout, code } = await runMain(['list', '--db', 'fakedb']);
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toBe('on FakeDB:');
    expect(stdout).toContain('advisory-lock  (skipped here: FakeDB keeps no advisory locks)');
    expect(stdout).toMatch(/^select-for-update {2}\(expected/m);
  });

  it('takes part in option validation: its words, its rules, its levels, its scheme', async () => {
    const refused = async (args: string[]) => {
      const result = await runMain(args);
      expect(result.code, result.stderr).toBe(2);
      return result.stderr.trim();
    };
    expect(await refused(['reproduce', '--db', 'fakedb@9'])).toBe('racelab reproduce: --db fakedb@N takes a FakeDB release from 1 to 3, got "fakedb@9"');
    expect(await refused(['reproduce', '--db', 'fakedb', '--isolation', 'repeatable-read'])).toBe(
      'racelab reproduce: --isolation repeatable-read is not offered by --db fakedb, which takes serializable, read-committed',
    );
    expect(await refused(['reproduce', '--db', 'oracle'])).toContain(', sqlite@better-sqlite3, fakedb, fakedb@1…3 or a URL (postgres:// postgresql:// mysql:// mariadb:// fakedb://)');
    expect(await refused(['reproduce', '--db', 'fakedb://'])).toBe('racelab reproduce: --db URL must name a host, e.g. fakedb://user@127.0.0.1:7000/db');
    expect(await refused(['explore', 'naive-save', '--db', 'fakedb,embedded'])).toBe(
      'racelab explore: --db takes one database here, got the list "fakedb,embedded"; reproduce and gate take a list',
    );
  });

  it('is planned and opened through its descriptor: its own words reach the user', async () => {
    const result = await runMain(['reproduce', '--db', 'fakedb@2', '--ops', '1']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('database: embedded (--db fakedb@2: a fake)');
    expect(result.stderr).toContain('racelab reproduce: database: FakeDB starts nowhere: this test checks everything before a start');
  });

  it('refuses a start it cannot make for what the user must change: one line, exit 2', async () => {
    const result = await runMain(['reproduce', '--db', 'fakedb@3', '--ops', '1']);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr.trim().split('\n').at(-1)).toBe('racelab reproduce: FakeDB@3 cannot start here: set FAKEDB_HOME to a directory it can reach');
  });

  it('is gone again once unregistered', async () => {
    unregister();
    try {
      expect((await runMain(['reproduce', '--help'])).stdout).not.toContain('fakedb');
    } finally {
      unregister = registerDatabase(fakeDb);
    }
  });
});
