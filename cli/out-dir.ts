import { constants } from 'node:fs';
import { access, mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from './cli-errors.ts';

/**
 * Checks before the run that `--out` can take the reports, so that a long run never ends unable
 * to write them. Creates nothing: a rejected invocation leaves no directory behind.
 */
export async function checkOutDir(out: string): Promise<void> {
  let path = resolve(out);
  const existing = await stat(path).catch(() => undefined);
  if (existing && !existing.isDirectory()) throw new UsageError(`--out must be a directory, but ${out} is a file`);
  // The nearest directory that exists must be writable, for it or its new subdirectories.
  while (!(await stat(path).catch(() => undefined))) path = dirname(path);
  try {
    await access(path, constants.W_OK);
  } catch {
    throw new UsageError(`--out must be writable, but ${path} is not`);
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
