/**
 * Where an embedded cluster's directory is made. Run as root, PostgreSQL runs as the service user,
 * which must search (x) every directory from / down to its data directory: a temporary directory
 * private to root (TMPDIR=/tmp/user/0 of mode 700, as libpam-tmpdir sets it) fails initdb with a bare
 * EACCES. Such a directory is skipped for the system's /tmp, which every user can reach and where a
 * directory of root's cannot be moved or removed by anyone else (the sticky bit), and a progress line
 * says so; where neither will do, the start is refused with the rule before anything is made.
 *
 * The decision is pure, over the directories' modes and owners; `clusterParent` reads them.
 */
import { realpath, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import { ChoiceError } from '../descriptor.ts';
import { SYSTEM_TEMP_DIRECTORY } from '../shared/server-directories.ts';
import { SERVICE_USER_NAME, type ServiceUser } from './service-user.ts';

/** One directory on the way to a cluster, as stat gives it. */
export interface DirectoryEntry {
  path: string;
  mode: number;
  uid: number;
  gid: number;
}

/** A place a cluster's directory may go (its real path), with every directory from / down to it. */
export interface ParentCandidate {
  path: string;
  /** From / down to the directory itself; undefined when one of them could not be read (it may not exist). */
  chain?: DirectoryEntry[];
}

export type ParentChoice = { parent: string; note?: string } | { refused: string };

/**
 * The first directory of `chain` that `user` cannot search. POSIX checks one class of bits: the
 * owner's, else the group's, else everyone's. Only the user's primary group counts, so a directory
 * reachable through a supplementary group reads as unreachable: that errs towards /tmp, never
 * towards a failing initdb.
 */
export function unsearchableBy(chain: readonly DirectoryEntry[], user: ServiceUser): DirectoryEntry | undefined {
  return chain.find((entry) => {
    const bit = entry.uid === user.uid ? 0o100 : entry.gid === user.gid ? 0o010 : 0o001;
    return (entry.mode & bit) === 0;
  });
}

/**
 * The first directory of `chain` in which someone other than root or `ownerUid` (racelab) could
 * move racelab's directory away or put another in its place: owned by another user, or writable by
 * group or others without the sticky bit.
 */
export function notOursAlone(chain: readonly DirectoryEntry[], ownerUid: number): DirectoryEntry | undefined {
  return chain.find((entry) => (entry.uid !== 0 && entry.uid !== ownerUid) || ((entry.mode & 0o022) !== 0 && (entry.mode & 0o1000) === 0));
}

/** `/tmp/user/0 is mode 700, owned by uid 0 and gid 0`. */
export function describeEntry(entry: DirectoryEntry): string {
  return `${entry.path} is mode ${(entry.mode & 0o7777).toString(8)}, owned by uid ${entry.uid} and gid ${entry.gid}`;
}

/** Why the cluster cannot go in `candidate`, or undefined when it can. */
function fallbackProblem(candidate: ParentCandidate, user: ServiceUser, ownerUid: number): string | undefined {
  if (candidate.chain === undefined) return `${candidate.path} cannot be read`;
  const blocked = unsearchableBy(candidate.chain, user);
  if (blocked !== undefined) return describeEntry(blocked);
  const shared = notOursAlone(candidate.chain, ownerUid);
  if (shared !== undefined) return `${describeEntry(shared)}: another user could take racelab's directory there`;
  return undefined;
}

/**
 * Where the cluster goes: `temp` (the temporary directory racelab was given, named `tempName` in
 * what is said, e.g. `TMPDIR=/tmp/user/0`) when the service user can reach it; else `fallback`
 * (the system's /tmp) when it can and no one else can take racelab's directory from it there,
 * with a note that says so; else refused, naming the rule. `temp` is taken as it is when its
 * chain could not be read: making the directory in it then says what is wrong.
 */
export function chooseClusterParent(temp: ParentCandidate, fallback: ParentCandidate, user: ServiceUser, ownerUid: number, tempName: string): ParentChoice {
  if (temp.chain === undefined) return { parent: temp.path };
  const blocked = unsearchableBy(temp.chain, user);
  if (blocked === undefined) return { parent: temp.path };
  const cannot = `the ${SERVICE_USER_NAME} user it runs as under root cannot reach ${tempName} (${describeEntry(blocked)})`;
  const same = fallback.chain !== undefined && fallback.chain.at(-1)!.path === temp.chain.at(-1)!.path;
  const problem = same ? undefined : fallbackProblem(fallback, user, ownerUid);
  if (!same && problem === undefined) return { parent: fallback.path, note: `embedded PostgreSQL: ${cannot}: its cluster goes in ${fallback.path} instead` };
  return {
    refused:
      `embedded PostgreSQL: ${cannot}${problem === undefined ? '' : `, nor ${fallback.path} (${problem})`}; ` +
      'it must be able to search (x) every directory down to its cluster: set TMPDIR to such a directory (mode 711 or wider, as is each above it), or use --db postgres://…',
  };
}

/** How the temporary directory was named to racelab: `TMPDIR=/x`, as os.tmpdir() reads the variables. */
export function tempDirectoryName(env: NodeJS.ProcessEnv, path: string): string {
  const variable = ['TMPDIR', 'TMP', 'TEMP'].find((name) => env[name]);
  return variable === undefined ? `the temporary directory ${path}` : `${variable}=${env[variable]}`;
}

/** Every directory from / down to `path`, once its links are resolved; undefined when one cannot be read. */
async function chainOf(path: string): Promise<DirectoryEntry[] | undefined> {
  try {
    const real = await realpath(path);
    const paths: string[] = [];
    for (let at = real; ; at = dirname(at)) {
      paths.unshift(at);
      if (dirname(at) === at) break;
    }
    return await Promise.all(
      paths.map(async (at) => {
        const { mode, uid, gid } = await stat(at);
        return { path: at, mode, uid, gid };
      }),
    );
  } catch {
    return undefined;
  }
}

/**
 * The directory to make an embedded cluster's directory in: the temporary directory, unless the
 * service user cannot reach it (above). Throws ChoiceError (exit 2), having made nothing, when no
 * directory will do.
 */
export async function clusterParent(user: ServiceUser | undefined, progress: (line: string) => void): Promise<string> {
  const temp = tmpdir();
  // Not root: the server runs as racelab's own user, who made or was given the directory.
  if (user === undefined) return temp;
  const [tempChain, fallbackChain] = await Promise.all([chainOf(temp), chainOf(SYSTEM_TEMP_DIRECTORY)]);
  // By its real path: the service user searches the directories of the path it is given, and a
  // link's own directories are not the ones checked.
  const choice = chooseClusterParent(
    { path: tempChain?.at(-1)?.path ?? temp, ...(tempChain && { chain: tempChain }) },
    { path: fallbackChain?.at(-1)?.path ?? SYSTEM_TEMP_DIRECTORY, ...(fallbackChain && { chain: fallbackChain }) },
    user,
    process.getuid?.() ?? 0,
    tempDirectoryName(process.env, temp),
  );
  if ('refused' in choice) throw new ChoiceError(choice.refused);
  if (choice.note !== undefined) progress(choice.note);
  return choice.parent;
}
