import { describe, expect, it } from 'vitest';
import { serverDirectoryParents } from './orphan-servers.ts';

describe('where racelab clean looks for what killed runs left', () => {
  const links: Record<string, string> = { '/var/tmp/link-to-tmp': '/tmp' };
  const real = (path: string) => links[path] ?? path;

  it('as root, in the temp directory and in /tmp, where a cluster goes that its service user could not reach there', () => {
    expect(serverDirectoryParents('/tmp/user/0', true, real)).toEqual(['/tmp/user/0', '/tmp']);
  });

  it('in the temp directory alone when it is /tmp, by its name or by a link, or when racelab is not root', () => {
    expect(serverDirectoryParents('/tmp', true, real)).toEqual(['/tmp']);
    expect(serverDirectoryParents('/var/tmp/link-to-tmp', true, real)).toEqual(['/var/tmp/link-to-tmp']);
    expect(serverDirectoryParents('/home/me/tmp', false, real)).toEqual(['/home/me/tmp']);
  });
});
