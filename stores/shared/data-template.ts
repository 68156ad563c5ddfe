/**
 * Warm starts: a server's freshly initialised data directory, kept in racelab's cache and copied
 * for each later run instead of initialising again (initdb, mariadb-install-db: most of a cold
 * start). A template is `<cache>/templates/<name>-<hash of its identity>/` with `data/` and
 * `template.json`, and it is trusted only when everything about it checks out:
 *
 * - it is ours: the cache, its templates/, the template and its record belong to this user, and no
 *   one else may write them;
 * - its record names the same identity (the binaries, their options, who runs them) and format;
 * - the copy made from it holds the files recorded when it was kept: each path, type, size, owner,
 *   mode and mtime (the copy is judged, not the template, so a template changed during the copy
 *   is caught too).
 *
 * A template that fails a check is never used: one of ours is removed (the caller initialises and
 * keeps a new one), one that is not ours is left where it is and named in the reason. A template is
 * kept by copying into a staging directory beside it and renaming that into place, so a
 * half-copied template is never seen; a staging directory whose process is gone is removed by the
 * next keep.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, lstat, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const FORMAT = 1;
const RECORD = 'template.json';
const STAGING_PREFIX = '.staging-p';

export interface TemplatePlace {
  /** racelab's cache directory. */
  cache: string;
  /** What it is a template of, part of its directory's name: `postgres-18`, `mariadb`. */
  name: string;
  /** Everything its contents depend on; a template of another identity is another template. */
  identity: Record<string, unknown>;
}

interface TemplateRecord {
  format: number;
  identity: Record<string, unknown>;
  /** What the server needs besides the files: the superuser's password, say. */
  meta: Record<string, string>;
  fingerprint: string;
  files: number;
}

/**
 * A template copied, with what was kept beside it; or none, and why: `missing` (none kept yet),
 * `rejected` (it was ours but failed a check, and is gone), `foreign` (not ours: left alone, and
 * no template of ours can be kept in its place).
 */
export type TemplateLookup = { found: true; meta: Record<string, string> } | { found: false; state: 'missing' | 'rejected' | 'foreign'; reason: string };

/** The template's directory. */
export function templateDirectory(place: TemplatePlace): string {
  const hash = createHash('sha256').update(JSON.stringify(place.identity)).digest('hex').slice(0, 16);
  return join(place.cache, 'templates', `${place.name}-${hash}`);
}

/**
 * Copies the template's data directory to `into` (which must not exist) and returns what was kept
 * with it; or, when there is none or it is not to be trusted, says why and copies nothing.
 */
export async function copyFromTemplate(place: TemplatePlace, into: string, signal?: AbortSignal, onSpawn?: (pid: number) => void): Promise<TemplateLookup> {
  const directory = templateDirectory(place);
  const checked = await checkRecord(place, directory);
  if (!checked.trusted) {
    if (checked.state === 'rejected') await rm(directory, { recursive: true, force: true }).catch(() => undefined);
    return { found: false, state: checked.state, reason: checked.reason };
  }
  await copyTree(join(directory, 'data'), into, signal, onSpawn);
  // What is judged is the copy itself, the files the server will start on: whatever happened to
  // the template during the copy, a copy that is not what was kept is not used.
  const copied = await fingerprintTree(into).catch(() => undefined);
  if (copied?.fingerprint !== checked.record.fingerprint) {
    await rm(into, { recursive: true, force: true });
    await rm(directory, { recursive: true, force: true }).catch(() => undefined);
    return { found: false, state: 'rejected', reason: `the template ${directory} has changed since it was kept (${copied?.files ?? 'unreadable'} files copied, ${checked.record.files} recorded): rebuilt` };
  }
  return { found: true, meta: checked.record.meta };
}

/** Forgets the template, so that the next start initialises afresh: for one that failed to start. */
export async function dropTemplate(place: TemplatePlace): Promise<void> {
  const directory = templateDirectory(place);
  if ((await ownership(directory)) === 'ours') await rm(directory, { recursive: true, force: true });
}

/**
 * Keeps a copy of `data`, a data directory just initialised and never started, as the template.
 * Another process that kept one first wins; this copy is then discarded.
 */
export async function keepAsTemplate(place: TemplatePlace, data: string, meta: Record<string, string>, signal?: AbortSignal, onSpawn?: (pid: number) => void): Promise<void> {
  const directory = templateDirectory(place);
  const parent = join(directory, '..');
  await mkdir(parent, { recursive: true, mode: 0o700 });
  await removeAbandonedStaging(parent);
  const staging = await mkdtemp(join(parent, `${STAGING_PREFIX}${process.pid.toString(36)}-`));
  try {
    await copyTree(data, join(staging, 'data'), signal, onSpawn);
    const { fingerprint, files } = await fingerprintTree(join(staging, 'data'));
    const record: TemplateRecord = { format: FORMAT, identity: place.identity, meta, fingerprint, files };
    await writeFile(join(staging, RECORD), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
    try {
      await rename(staging, directory);
    } catch (error) {
      // Another racelab kept the same template meanwhile: its copy is as good.
      if (!['EEXIST', 'ENOTEMPTY'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

export interface FreshData {
  /** Names the server in progress lines: `embedded PostgreSQL`. */
  label: string;
  /** The program that initialises a data directory: `initdb`. */
  initialiser: string;
  /** Initialises `into` (absent beforehand) and returns what the template must keep beside the files. */
  initialise(): Promise<Record<string, string>>;
  /** Whether what was kept beside a template is all a start needs. */
  complete(meta: Record<string, string>): boolean;
  progress(line: string): void;
  signal?: AbortSignal;
  /** Told the pid of each copy it starts, for the run directory's guardian. */
  onSpawn?: (pid: number) => void;
}

/**
 * A run's data directory at `into`: a copy of the template when there is one to trust, else
 * initialised and then kept as the template for the next start. A template that cannot be kept
 * costs only the next start's initialisation, and says so.
 */
export async function dataFromTemplate(place: TemplatePlace, into: string, fresh: FreshData): Promise<{ meta: Record<string, string>; from: 'template' | 'initialised' }> {
  const { signal } = fresh;
  let copied: TemplateLookup = await copyFromTemplate(place, into, signal, fresh.onSpawn).catch((error: Error) => {
    if (signal?.aborted) throw error;
    return { found: false, state: 'rejected', reason: error.message };
  });
  if (copied.found && fresh.complete(copied.meta)) return { meta: copied.meta, from: 'template' };
  if (copied.found) {
    await dropTemplate(place);
    copied = { found: false, state: 'rejected', reason: `the template ${templateDirectory(place)} lacks what a start needs: rebuilt` };
  }
  await rm(into, { recursive: true, force: true });
  if (copied.state !== 'missing') fresh.progress(`${fresh.label}: ${copied.reason}`);
  const meta = await fresh.initialise();
  if (signal?.aborted || copied.state === 'foreign') return { meta, from: 'initialised' };
  try {
    await keepAsTemplate(place, into, meta, signal, fresh.onSpawn);
    if (copied.state === 'missing') fresh.progress(`${fresh.label}: ran ${fresh.initialiser} once and kept the result as a template in ${templateDirectory(place)}; the next start copies it`);
  } catch (error) {
    if (signal?.aborted) throw error;
    fresh.progress(`${fresh.label}: could not keep a template in ${templateDirectory(place)} (${(error as Error).message}); the next start runs ${fresh.initialiser} again`);
  }
  return { meta, from: 'initialised' };
}

type Checked = { trusted: true; record: TemplateRecord } | { trusted: false; state: 'missing' | 'rejected' | 'foreign'; reason: string };

/** The template's record, when the template is ours and names this identity; its files are judged in the copy. */
async function checkRecord(place: TemplatePlace, directory: string): Promise<Checked> {
  // The cache and its templates/ too: whoever may write them may swap a template. The cache may be
  // a link, and writable by the user's own group (a umask of 002 with a group of one's own, as
  // Debian and Ubuntu give every user); templates/ and below are racelab's, made 0700.
  for (const [parent, lenient] of [[place.cache, true], [join(place.cache, 'templates'), false]] as const) {
    const owner = await ownership(parent, lenient);
    if (owner === 'missing') return { trusted: false, state: 'missing', reason: `no template in ${directory} yet` };
    if (owner !== 'ours') return { trusted: false, state: 'foreign', reason: `racelab's cache directory ${parent} is ${owner}: its templates are not used; make it yours alone to have racelab keep them` };
  }
  const owner = await ownership(directory);
  if (owner === 'missing') return { trusted: false, state: 'missing', reason: `no template in ${directory} yet` };
  if (owner !== 'ours') return { trusted: false, state: 'foreign', reason: `the template ${directory} is ${owner}: not used; remove it to have racelab keep its own` };
  let record: TemplateRecord;
  try {
    if ((await ownership(join(directory, RECORD))) !== 'ours') throw new Error('its record is not ours');
    record = JSON.parse(await readFile(join(directory, RECORD), 'utf8')) as TemplateRecord;
  } catch (error) {
    return { trusted: false, state: 'rejected', reason: `the template ${directory} has no readable record (${(error as Error).message}): rebuilt` };
  }
  if (record.format !== FORMAT || JSON.stringify(record.identity) !== JSON.stringify(place.identity)) {
    return { trusted: false, state: 'rejected', reason: `the template ${directory} was kept by another racelab or for other binaries: rebuilt` };
  }
  return { trusted: true, record };
}

/**
 * 'ours', 'missing', or what makes it foreign. `lenient`: a link is followed, and a directory
 * writable by its group is ours when that group is the user's own primary group.
 */
async function ownership(path: string, lenient = false): Promise<string> {
  let stats;
  try {
    stats = lenient ? await stat(path) : await lstat(path);
  } catch {
    return 'missing';
  }
  const uid = process.getuid?.();
  if (uid !== undefined && stats.uid !== uid) return `owned by uid ${stats.uid}, not this user (${uid})`;
  if (stats.isSymbolicLink()) return 'a symbolic link';
  const groupOk = lenient && stats.gid === process.getgid?.();
  if ((stats.mode & (groupOk ? 0o002 : 0o022)) !== 0) return 'writable by other users';
  return 'ours';
}

/**
 * One hash over every entry under `root`: path, type, size, owner, mode and mtime. A file removed,
 * added, truncated, rewritten or handed to another user changes it; reading ~1,000 entries takes
 * milliseconds, where hashing the contents (tens of MB) would cost what the template saves.
 */
export async function fingerprintTree(root: string): Promise<{ fingerprint: string; files: number }> {
  const hash = createHash('sha256');
  let files = 0;
  const walk = async (relative: string): Promise<void> => {
    const entries = (await readdir(join(root, relative), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      const info = await lstat(join(root, path));
      files++;
      hash.update(`${path}\0${info.mode}\0${info.size}\0${info.uid}\0${Math.trunc(info.mtimeMs)}\n`);
      if (entry.isDirectory()) await walk(path);
    }
  };
  await walk('');
  return { fingerprint: hash.digest('hex'), files };
}

/**
 * A copy that keeps modes, owners and mtimes (the fingerprint and a server run as another user
 * need them): the system's `cp -a`, several times faster than Node's for a thousand small files,
 * cloning the blocks where the file system can. Elsewhere, Node's.
 */
async function copyTree(from: string, to: string, signal?: AbortSignal, onSpawn?: (pid: number) => void): Promise<void> {
  if (process.platform === 'win32') {
    await cp(from, to, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
    return;
  }
  const args = process.platform === 'linux' ? ['-a', '--reflink=auto', from, to] : ['-a', from, to];
  await new Promise<void>((resolve, reject) => {
    // Its own process group, as the servers' init steps: a Ctrl-C reaches racelab alone, which ends
    // it through `signal`; the run directory's guardian ends it should racelab go.
    const child = spawn('cp', args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true, ...(signal && { signal, killSignal: 'SIGKILL' as const }) });
    if (child.pid !== undefined) onSpawn?.(child.pid);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', (error) => reject(new Error(`cannot copy ${from} (${error.message})`)));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`cp could not copy ${from}: ${stderr.trim() || `code ${code}`}`))));
  });
}

/**
 * Staging directories whose racelab process has gone: what a kill during a keep left. Judged by
 * pid: racelabs in other pid namespaces (containers) sharing one cache could lose a staging
 * directory under way, which costs them only a template not kept that time.
 */
async function removeAbandonedStaging(parent: string): Promise<void> {
  for (const name of await readdir(parent).catch(() => [] as string[])) {
    if (!name.startsWith(STAGING_PREFIX)) continue;
    const pid = Number.parseInt(name.slice(STAGING_PREFIX.length).split('-')[0]!, 36);
    if (Number.isNaN(pid) || pid === process.pid || alive(pid)) continue;
    await rm(join(parent, name), { recursive: true, force: true }).catch(() => undefined);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
