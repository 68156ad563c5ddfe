import { mkdir, mkdtemp, rmdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from './cli-errors.ts';

/**
 * Checks before the run that `--out` can take the reports, so that a long run never ends unable
 * to write them. Leaves nothing behind: a rejected invocation creates no directory.
 */
export async function checkOutDir(out: string): Promise<void> {
  let path = resolve(out);
  const existing = await stat(path).catch(() => undefined);
  if (existing && !existing.isDirectory()) throw new UsageError(`--out must be a directory, but ${out} is a file`);
  // The nearest part of the path that exists must be a directory we can create things in.
  let nearest = existing;
  while (!nearest) {
    path = dirname(path);
    nearest = await stat(path).catch(() => undefined);
  }
  if (!nearest.isDirectory()) throw new UsageError(`--out ${out} cannot be created: ${path} is a file`);
  try {
    // Permission bits do not bind root, and some file systems refuse writes anyway: try it.
    await rmdir(await mkdtemp(join(path, '.racelab-write-check-')));
  } catch (error) {
    throw new UsageError(`--out must be writable, but ${path} is not (${(error as NodeJS.ErrnoException).code ?? 'refused'})`);
  }
}

/** Writes the named files into `out`, creating it if needed. Returns their paths. */
export async function writeReports(out: string, files: Record<string, string>): Promise<string[]> {
  await mkdir(out, { recursive: true });
  const written: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    const path = join(out, name);
    await writeFile(path, content);
    written.push(path);
  }
  return written;
}
