import { hostname } from 'node:os';
import { lookup } from 'node:dns/promises';
import { describe, expect, it } from 'vitest';
import { isLocalServer, type ResolveHost } from './local-server.ts';

/** A resolver of fixed answers: the rule is under test here, not the machine's DNS. */
const names: ResolveHost = async (host) => {
  const table: Record<string, string[]> = {
    'localhost.localdomain': ['127.0.0.1', '::1'],
    vm: ['127.0.1.1'],
    'db.example.com': ['203.0.113.7'],
    'split.example': ['127.0.0.1', '203.0.113.8'],
  };
  if (table[host]) return table[host]!;
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
};

describe('isLocalServer', () => {
  it.each([
    ['postgres://postgres@127.0.0.1:5432/test', true],
    ['postgres://u:p@localhost/db', true],
    ['postgres://u@[::1]:5432/db', true],
    ['postgres://u@127.8.9.10/db', true],
    ['postgres:///db?host=/var/run/postgresql', true],
    ['postgres://u@localhost.localdomain/db', true],
    ['postgres://u@vm:5432/db', true],
    ['postgres://u@db.example.com/app', false],
    ['postgres://u@split.example/app', false],
    ['postgres://u@10.0.0.5/app', false],
    ['postgres://u@127.0.0.1.evil.example/app', false],
    ['postgres://u@localhost/db?host=db.example.com', false],
  ])('%s → %s', async (url, local) => {
    expect(await isLocalServer(url, names)).toBe(local);
  });

  it("takes this machine's own name as local when it resolves only to loopback addresses", async () => {
    const addresses = (await lookup(hostname(), { all: true }).catch(() => [])).map((entry) => entry.address);
    const loopbackOnly = addresses.length > 0 && addresses.every((a) => a === '::1' || a.startsWith('127.'));
    expect(await isLocalServer(`postgres://u@${hostname()}:5432/db`)).toBe(loopbackOnly);
  });
});
