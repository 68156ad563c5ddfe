import { describe, expect, it } from 'vitest';
import { isLocalServer } from './local-server.ts';

describe('isLocalServer', () => {
  it.each([
    ['postgres://postgres@127.0.0.1:5432/test', true],
    ['postgres://u:p@localhost/db', true],
    ['postgres://u@[::1]:5432/db', true],
    ['postgres://u@127.8.9.10/db', true],
    ['postgres:///db?host=/var/run/postgresql', true],
    ['postgres://u@db.example.com/app', false],
    ['postgres://u@10.0.0.5/app', false],
    ['postgres://u@127.0.0.1.evil.example/app', false],
    ['postgres://u@localhost/db?host=db.example.com', false],
  ])('%s → %s', (url, local) => {
    expect(isLocalServer(url)).toBe(local);
  });
});
