import { mkdir, mkdtemp, rename, rm, rmdir, stat, symlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { newRunId } from '../harness/run-id.ts';
import { UsageError } from './errors.ts';

/**
 * Checks before the run that `--out` can take the reports, so that a long run never ends unable
 * to write them. Leaves nothing behind: a rejected invocation creates no directory.
 */
export async function checkOutDir(out: string, option = '--out'): Promise<void> {
  let path = resolve(out);
  const existing = await stat(path).catch(() => undefined);
  if (existing && !existing.isDirectory()) throw new UsageError(`${option} must be a directory, but ${out} is a file`);
  // The nearest part of the path that exists must be a directory we can create things in.
  let nearest = existing;
  while (!nearest) {
    path = dirname(path);
    nearest = await stat(path).catch(() => undefined);
  }
  if (!nearest.isDirectory()) throw new UsageError(`${option} ${out} cannot be created: ${path} is a file`);
  try {
    // Permission bits do not bind root, and some file systems refuse writes anyway: try it.
    await rmdir(await mkdtemp(join(path, '.racelab-write-check-')));
  } catch (error) {
    throw new UsageError(`${option} must be writable, but ${path} is not (${(error as NodeJS.ErrnoException).code ?? 'refused'})`);
  }
}

/** The name under `--out` that always points at the newest run's directory. */
const LATEST = 'latest';

/** A directory of this run's own under `out`: two runs at once never share one. */
export function runReportDir(out: string): string {
  return join(out, newRunId());
}

/**
 * Writes the named files into the run's directory (`runReportDir`), and points `<out>/latest` at
 * it. `latest` is swapped in one rename, so a reader never sees it half-made. Returns the directory.
 */
export async function writeRunReports(out: string, dir: string, files: Record<string, string>): Promise<string> {
  const runId = basename(dir);
  await mkdir(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  const link = join(out, `.${LATEST}-${runId}`);
  await symlink(runId, link, 'dir');
  try {
    await rename(link, join(out, LATEST));
  } catch (error) {
    await rm(link, { force: true });
    // A `latest` that is a real directory (made by hand, or an older racelab) is left alone.
    if ((error as NodeJS.ErrnoException).code !== 'EISDIR' && (error as NodeJS.ErrnoException).code !== 'ENOTEMPTY') throw error;
  }
  return dir;
}
