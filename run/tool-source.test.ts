import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sourceOf } from './tool-source.ts';

const work = mkdtempSync(join(tmpdir(), 'racelab-tool-source-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A project with racelab installed under node_modules, and its hidden lockfile recording `resolved`. */
function installedAt(name: string, resolved: string | undefined): string {
  const root = join(work, name, 'node_modules', 'racelab');
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'racelab', version: '0.1.0' }));
  const entry = resolved === undefined ? { version: '0.1.0' } : { version: '0.1.0', resolved };
  writeFileSync(join(work, name, 'node_modules', '.package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages: { 'node_modules/racelab': entry } }));
  return root;
}

describe('where racelab comes from', () => {
  it('a git checkout: its commit, whether tracked files changed, and a remote without its credentials', () => {
    const root = join(work, 'checkout');
    mkdirSync(root);
    const git = (...args: string[]) => execFileSync('git', ['-C', root, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { encoding: 'utf8' }).trim();
    git('init', '-q');
    writeFileSync(join(root, 'package.json'), '{}\n');
    git('add', 'package.json');
    git('commit', '-q', '-m', 'one');
    const commit = git('rev-parse', 'HEAD');
    expect(sourceOf(root, 'racelab', '0.1.0')).toEqual({ kind: 'checkout', commit, dirty: false, remote: null });
    // An untracked file is no change to the code that ran; an edit to a tracked one is.
    writeFileSync(join(root, 'notes.txt'), 'x');
    expect(sourceOf(root, 'racelab', '0.1.0')).toMatchObject({ dirty: false });
    writeFileSync(join(root, 'package.json'), '{"changed":true}\n');
    git('remote', 'add', 'origin', 'https://someone:ghp_secret@github.com/owner/racelab.git');
    expect(sourceOf(root, 'racelab', '0.1.0')).toEqual({ kind: 'checkout', commit, dirty: true, remote: 'https://github.com/owner/racelab.git' });
    // A path on this machine means nothing to a reader elsewhere.
    git('remote', 'set-url', 'origin', '/home/someone/racelab');
    expect(sourceOf(root, 'racelab', '0.1.0')).toMatchObject({ remote: null });
  });

  it('installed from the registry only when the lockfile says so', () => {
    const root = installedAt('from-registry', 'https://registry.npmjs.org/racelab/-/racelab-0.1.0.tgz');
    expect(sourceOf(root, 'racelab', '0.1.0')).toEqual({
      kind: 'registry',
      registry: 'https://registry.npmjs.org/',
      resolved: 'https://registry.npmjs.org/racelab/-/racelab-0.1.0.tgz',
    });
  });

  it('installed from a tarball, from somewhere else, or from where no lockfile says', () => {
    expect(sourceOf(installedAt('from-tarball', 'file:../packed/racelab-0.1.0.tgz'), 'racelab', '0.1.0')).toEqual({ kind: 'tarball', file: 'racelab-0.1.0.tgz' });
    expect(sourceOf(installedAt('from-git', 'git+ssh://git@github.com/owner/racelab.git#c0ffee'), 'racelab', '0.1.0')).toEqual({
      kind: 'installed',
      resolved: 'git+ssh://github.com/owner/racelab.git#c0ffee',
    });
    expect(sourceOf(installedAt('no-lock-entry', undefined), 'racelab', '0.1.0')).toEqual({ kind: 'installed', resolved: null });
  });

  it('neither a checkout nor an installed package: not known', () => {
    const root = join(work, 'copied');
    mkdirSync(root);
    expect(sourceOf(root, 'racelab', '0.1.0')).toEqual({ kind: 'unknown' });
  });
});
