import { describe, expect, it } from 'vitest';
import { chooseClusterParent, notOursAlone, tempDirectoryName, unsearchableBy, type DirectoryEntry } from './cluster-parent.ts';

const POSTGRES = { uid: 104, gid: 108 };
const dir = (path: string, mode: number, uid = 0, gid = 0): DirectoryEntry => ({ path, mode: 0o40000 | mode, uid, gid });
const ROOT_DIR = dir('/', 0o755);
const SYSTEM_TMP = { path: '/tmp', chain: [ROOT_DIR, dir('/tmp', 0o1777)] };
/** libpam-tmpdir's TMPDIR for root. */
const PRIVATE = { path: '/tmp/user/0', chain: [ROOT_DIR, dir('/tmp', 0o1777), dir('/tmp/user', 0o1711), dir('/tmp/user/0', 0o700)] };

describe('whether the service user can search its way to a directory', () => {
  it('reads the owner’s bits for its owner, the group’s for its group, everyone’s for the rest', () => {
    expect(unsearchableBy([dir('/a', 0o711)], POSTGRES)).toBeUndefined();
    expect(unsearchableBy([dir('/a', 0o700)], POSTGRES)?.path).toBe('/a');
    expect(unsearchableBy([dir('/a', 0o750, 0, 108)], POSTGRES)).toBeUndefined();
    expect(unsearchableBy([dir('/a', 0o700, 104, 0)], POSTGRES)).toBeUndefined();
    // Its owner's bits say no, even where everyone's say yes: POSIX reads one class.
    expect(unsearchableBy([dir('/a', 0o601, 104, 0)], POSTGRES)?.path).toBe('/a');
    expect(unsearchableBy([dir('/a', 0o705, 0, 108)], POSTGRES)?.path).toBe('/a');
  });

  it('names the first directory on the way that stops it', () => {
    expect(unsearchableBy([ROOT_DIR, dir('/home', 0o755), dir('/home/x', 0o700, 1000, 1000), dir('/home/x/tmp', 0o777, 1000, 1000)], POSTGRES)?.path).toBe('/home/x');
  });
});

describe('whether another user could take racelab’s directory from a parent', () => {
  it('is safe in a sticky world-writable directory of root’s, and in one only its owner writes', () => {
    expect(notOursAlone(SYSTEM_TMP.chain, 0)).toBeUndefined();
    expect(notOursAlone([ROOT_DIR, dir('/srv/tmp', 0o755)], 0)).toBeUndefined();
  });

  it('is not in a world- or group-writable one without the sticky bit, nor in another user’s', () => {
    expect(notOursAlone([ROOT_DIR, dir('/tmp', 0o777)], 0)?.path).toBe('/tmp');
    expect(notOursAlone([ROOT_DIR, dir('/tmp', 0o775)], 0)?.path).toBe('/tmp');
    expect(notOursAlone([ROOT_DIR, dir('/tmp', 0o1777, 1000)], 0)?.path).toBe('/tmp');
  });
});

describe('where an embedded cluster goes, as root', () => {
  it('goes in the temporary directory when the service user can reach it, and says nothing', () => {
    const given = { path: '/var/tmp/racelab', chain: [ROOT_DIR, dir('/var', 0o755), dir('/var/tmp', 0o1777), dir('/var/tmp/racelab', 0o711)] };
    expect(chooseClusterParent(given, SYSTEM_TMP, POSTGRES, 0, 'TMPDIR=/var/tmp/racelab')).toEqual({ parent: '/var/tmp/racelab' });
  });

  it('goes in /tmp when the temporary directory is private to root, and says why in one line', () => {
    expect(chooseClusterParent(PRIVATE, SYSTEM_TMP, POSTGRES, 0, 'TMPDIR=/tmp/user/0')).toEqual({
      parent: '/tmp',
      note: 'embedded PostgreSQL: the postgres user it runs as under root cannot reach TMPDIR=/tmp/user/0 (/tmp/user/0 is mode 700, owned by uid 0 and gid 0): its cluster goes in /tmp instead',
    });
  });

  it('is refused with the rule when /tmp will not do either: not reachable, shared unsafely, or unreadable', () => {
    const refusal = (fallback: { path: string; chain?: DirectoryEntry[] }) => chooseClusterParent(PRIVATE, fallback, POSTGRES, 0, 'TMPDIR=/tmp/user/0');
    expect(refusal({ path: '/tmp', chain: [ROOT_DIR, dir('/tmp', 0o770)] })).toEqual({
      refused:
        'embedded PostgreSQL: the postgres user it runs as under root cannot reach TMPDIR=/tmp/user/0 (/tmp/user/0 is mode 700, owned by uid 0 and gid 0), nor /tmp (/tmp is mode 770, owned by uid 0 and gid 0); ' +
        'it must be able to search (x) every directory down to its cluster: set TMPDIR to such a directory (mode 711 or wider, as is each above it), or use --db postgres://…',
    });
    expect(refusal({ path: '/tmp', chain: [ROOT_DIR, dir('/tmp', 0o777)] })).toMatchObject({ refused: expect.stringContaining('nor /tmp (/tmp is mode 777, owned by uid 0 and gid 0: another user could take racelab\'s directory there)') });
    expect(refusal({ path: '/tmp' })).toMatchObject({ refused: expect.stringContaining('nor /tmp (/tmp cannot be read)') });
  });

  it('is refused, not sent back where it cannot go, when the temporary directory is /tmp itself', () => {
    const privateTmp = { path: '/tmp', chain: [ROOT_DIR, dir('/tmp', 0o700)] };
    expect(chooseClusterParent(privateTmp, privateTmp, POSTGRES, 0, 'the temporary directory /tmp')).toEqual({
      refused: expect.stringMatching(/^embedded PostgreSQL: the postgres user it runs as under root cannot reach the temporary directory \/tmp \(\/tmp is mode 700, owned by uid 0 and gid 0\); it must be able/),
    });
  });

  it('leaves a temporary directory it cannot read to the start, whose mkdtemp says what is wrong', () => {
    expect(chooseClusterParent({ path: '/nowhere' }, SYSTEM_TMP, POSTGRES, 0, 'TMPDIR=/nowhere')).toEqual({ parent: '/nowhere' });
  });
});

describe('the temporary directory’s name in what is said', () => {
  it('is the variable os.tmpdir() read, in its order, else the path', () => {
    expect(tempDirectoryName({ TMPDIR: '/a', TMP: '/b' }, '/a')).toBe('TMPDIR=/a');
    expect(tempDirectoryName({ TMP: '/b', TEMP: '/c' }, '/b')).toBe('TMP=/b');
    expect(tempDirectoryName({ TMPDIR: '' }, '/tmp')).toBe('the temporary directory /tmp');
  });
});
