/**
 * Where the racelab that runs comes from, decided from facts on this machine: a git checkout and
 * its commit, or an installed package and what its lockfile says it was installed from. Reports
 * say it so that a reader can get the same racelab; a guess (a registry name nobody published)
 * would send them somewhere else, or to whoever registers that name later.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import type { ToolSource } from '../harness/report-input.ts';
import { PACKAGE_ROOT, TOOL } from './tool-info.ts';

let decided: ToolSource | undefined;

/** This racelab's source, decided once per process: it cannot change while it runs. */
export function toolSource(): ToolSource {
  decided ??= sourceOf(PACKAGE_ROOT, TOOL.name, TOOL.version);
  return decided;
}

/** The source of the package `name`@`version` whose package.json is in `root`. */
export function sourceOf(root: string, name: string, version: string): ToolSource {
  if (existsSync(join(root, '.git'))) return checkout(root);
  const parts = root.split(sep);
  const last = parts.lastIndexOf('node_modules');
  if (last === -1) return { kind: 'unknown' };
  const project = parts.slice(0, last).join(sep);
  return installed(lockEntry(project, relative(project, root).split(sep).join('/')), name, version);
}

function checkout(root: string): ToolSource {
  const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  let commit: string | null = null;
  let dirty = false;
  try {
    commit = git('rev-parse', 'HEAD');
    // Tracked files only: an untracked file the code uses is named by a tracked one, which then differs.
    dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
  } catch {
    // No git on this machine, or one that refuses the directory: the commit stays unknown.
  }
  let remote: string | null = null;
  try {
    remote = networkRemote(git('remote', 'get-url', 'origin'));
  } catch {
    // No remote named origin.
  }
  return { kind: 'checkout', commit, dirty, remote };
}

/**
 * A remote another machine can reach, without any credentials in it; null for a path on this
 * machine, which means nothing to a reader elsewhere.
 */
function networkRemote(url: string): string | null {
  if (/^[\w.-]+@[\w.-]+:/.test(url)) return url; // scp-like: git@github.com:owner/repo.git
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'file:' || parsed.host === '') return null;
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return null;
  }
}

/** What npm's lockfiles in `project` record for the package at `path` (`node_modules/racelab`). */
function lockEntry(project: string, path: string): { resolved?: string } | undefined {
  // The hidden lockfile describes what is installed now; package-lock.json what was asked for.
  for (const file of ['node_modules/.package-lock.json', 'package-lock.json', 'npm-shrinkwrap.json']) {
    try {
      const lock = JSON.parse(readFileSync(join(project, file), 'utf8')) as { packages?: Record<string, { resolved?: string }> };
      const entry = lock.packages?.[path];
      if (entry) return entry;
    } catch {
      // Absent or unreadable: try the next.
    }
  }
  return undefined;
}

function installed(entry: { resolved?: string } | undefined, name: string, version: string): ToolSource {
  const resolved = entry?.resolved;
  if (resolved === undefined) return { kind: 'installed', resolved: null };
  // A registry serves a version's tarball at <registry>/<name>/-/<name>-<version>.tgz.
  const tarball = `/${name}/-/${name}-${version}.tgz`;
  if (/^https?:\/\//.test(resolved) && resolved.endsWith(tarball)) {
    const address = networkRemote(resolved) ?? resolved;
    return { kind: 'registry', registry: address.slice(0, address.length - tarball.length + 1), resolved: address };
  }
  if (resolved.startsWith('file:') && /\.(tgz|tar\.gz)$/.test(resolved)) return { kind: 'tarball', file: basename(resolved) };
  // A git URL says where; a directory on the installer's machine says nothing to a reader.
  return { kind: 'installed', resolved: networkRemote(resolved) };
}
