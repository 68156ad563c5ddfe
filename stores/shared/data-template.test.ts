import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyFromTemplate, dataFromTemplate, fingerprintTree, keepAsTemplate, templateDirectory, type FreshData, type TemplatePlace } from './data-template.ts';

// A data directory of a few files stands in for a server's: what is checked here is the cache's
// rules, not a server. The servers' own use of it is tested against them (database-lifecycle,
// mysql-lifecycle).
const work = mkdtempSync(join(tmpdir(), 'racelab-template-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let made = 0;
function freshData(): string {
  const dir = join(work, `initialised-${++made}`);
  mkdirSync(join(dir, 'base'), { recursive: true });
  writeFileSync(join(dir, 'PG_VERSION'), '18\n');
  writeFileSync(join(dir, 'base', 'relation'), 'x'.repeat(8192));
  return dir;
}

function place(name: string, identity: Record<string, unknown> = { server: 'v1' }): TemplatePlace {
  return { cache: join(work, `cache-${name}`), name: 'server', identity };
}

/** An initialiser that writes a fresh data directory where it is asked to, and counts its calls. */
function initialiser(into: string, lines: string[]): FreshData & { calls: number } {
  const fresh = {
    calls: 0,
    label: 'test server',
    initialiser: 'init-test',
    async initialise() {
      fresh.calls++;
      mkdirSync(into);
      writeFileSync(join(into, 'PG_VERSION'), '18\n');
      return { password: `secret-${fresh.calls}` };
    },
    complete: (meta: Record<string, string>) => meta['password'] !== undefined,
    progress: (line: string) => lines.push(line),
  };
  return fresh;
}

describe('a data-directory template', () => {
  it('is kept once and copied after: the copy has the same files, and what was kept beside it comes back', async () => {
    const at = place('kept');
    await keepAsTemplate(at, freshData(), { password: 'p1' });
    const into = join(work, 'copy-kept');
    const found = await copyFromTemplate(at, into);
    expect(found).toEqual({ found: true, meta: { password: 'p1' } });
    expect(readFileSync(join(into, 'base', 'relation'), 'utf8')).toHaveLength(8192);
    expect((await fingerprintTree(into)).files).toBe(3);
    // Nothing but the template itself is left in the cache: no staging directory.
    expect(readdirSync(join(at.cache, 'templates'))).toEqual([templateDirectory(at).split('/').at(-1)]);
  });

  it('is missing until kept, and another identity is another template', async () => {
    const at = place('identity');
    await keepAsTemplate(at, freshData(), { password: 'p' });
    const other = { ...at, identity: { server: 'v2' } };
    expect(templateDirectory(other)).not.toBe(templateDirectory(at));
    const lookup = await copyFromTemplate(other, join(work, 'copy-identity'));
    expect(lookup).toMatchObject({ found: false, state: 'missing' });
    expect(existsSync(join(work, 'copy-identity'))).toBe(false);
  });

  const damages: [string, (dir: string) => void, RegExp][] = [
    ['a file removed', (dir) => rmSync(join(dir, 'data', 'PG_VERSION')), /has changed since it was kept \(2 files copied, 3 recorded\)/],
    ['a file truncated', (dir) => truncateSync(join(dir, 'data', 'base', 'relation'), 10), /has changed since it was kept/],
    ['a file added', (dir) => writeFileSync(join(dir, 'data', 'base', 'stray'), ''), /has changed since it was kept \(4 files copied, 3 recorded\)/],
    ['a file whose mode changed', (dir) => chmodSync(join(dir, 'data', 'PG_VERSION'), 0o666), /has changed since it was kept/],
    ['its record unreadable', (dir) => writeFileSync(join(dir, 'template.json'), '{'), /has no readable record/],
    ['its record naming other binaries', (dir) => {
      const record = JSON.parse(readFileSync(join(dir, 'template.json'), 'utf8'));
      writeFileSync(join(dir, 'template.json'), JSON.stringify({ ...record, identity: { server: 'v0' } }));
    }, /was kept by another racelab or for other binaries/],
  ];
  for (const [damage, apply, reason] of damages) {
    it(`with ${damage} is not used, removed, and rebuilt by the next start`, async () => {
      const at = place(damage.replace(/\W+/g, '-'));
      await keepAsTemplate(at, freshData(), { password: 'old' });
      apply(templateDirectory(at));
      const lines: string[] = [];
      const into = join(work, `copy-${damage.replace(/\W+/g, '-')}`);
      const fresh = initialiser(into, lines);
      const data = await dataFromTemplate(at, into, fresh);
      expect(data).toEqual({ meta: { password: 'secret-1' }, from: 'initialised' });
      expect(fresh.calls).toBe(1);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(reason);
      expect(lines[0]).toMatch(/: rebuilt$/);
      // The rebuilt template is trusted by the start after.
      rmSync(into, { recursive: true });
      expect(await dataFromTemplate(at, into, fresh)).toEqual({ meta: { password: 'secret-1' }, from: 'template' });
      expect(fresh.calls).toBe(1);
    });
  }

  it('that others may write is foreign: left where it is, never used, and not replaced', async () => {
    const at = place('foreign');
    await keepAsTemplate(at, freshData(), { password: 'planted' });
    chmodSync(templateDirectory(at), 0o777);
    const lines: string[] = [];
    const into = join(work, 'copy-foreign');
    const fresh = initialiser(into, lines);
    expect(await dataFromTemplate(at, into, fresh)).toEqual({ meta: { password: 'secret-1' }, from: 'initialised' });
    expect(lines).toEqual([`test server: the template ${templateDirectory(at)} is writable by other users: not used; remove it to have racelab keep its own`]);
    expect(JSON.parse(readFileSync(join(templateDirectory(at), 'template.json'), 'utf8')).meta).toEqual({ password: 'planted' });
  });

  it('in a cache others may write is foreign: whoever writes the cache may swap a template', async () => {
    const at = place('open-cache');
    await keepAsTemplate(at, freshData(), { password: 'p' });
    chmodSync(at.cache, 0o777);
    const lookup = await copyFromTemplate(at, join(work, 'copy-open-cache'));
    expect(lookup).toEqual({ found: false, state: 'foreign', reason: `racelab's cache directory ${at.cache} is writable by other users: its templates are not used; make it yours alone to have racelab keep them` });
    expect(existsSync(join(work, 'copy-open-cache'))).toBe(false);
  });

  it("in a cache writable by the user's own group (umask 002) is still trusted; templates/ so writable is not", async () => {
    const at = place('group-cache');
    await keepAsTemplate(at, freshData(), { password: 'p' });
    chmodSync(at.cache, 0o775);
    expect(await copyFromTemplate(at, join(work, 'copy-group-cache'))).toEqual({ found: true, meta: { password: 'p' } });
    chmodSync(join(at.cache, 'templates'), 0o775);
    expect(await copyFromTemplate(at, join(work, 'copy-group-templates'))).toMatchObject({ found: false, state: 'foreign', reason: expect.stringContaining('templates is writable by other users') });
  });

  it.skipIf(process.getuid?.() !== 0)("of another user's (run as root: chowned to nobody) is foreign", async () => {
    const at = place('other-user');
    await keepAsTemplate(at, freshData(), { password: 'p' });
    chownSync(templateDirectory(at), 65534, 65534);
    expect(await copyFromTemplate(at, join(work, 'copy-other-user'))).toMatchObject({ found: false, state: 'foreign', reason: expect.stringContaining('owned by uid 65534, not this user (0)') });
  });

  it('kept by two starts at once: one wins, the other is discarded, and no staging directory is left', async () => {
    const at = place('concurrent');
    await Promise.all([keepAsTemplate(at, freshData(), { password: 'first' }), keepAsTemplate(at, freshData(), { password: 'second' })]);
    expect(readdirSync(join(at.cache, 'templates'))).toEqual([templateDirectory(at).split('/').at(-1)]);
    const found = await copyFromTemplate(at, join(work, 'copy-concurrent'));
    expect(found.found && ['first', 'second'].includes(found.meta['password']!)).toBe(true);
  });

  it('says once that it was kept, and a cache that cannot be written costs only the next initialisation', async () => {
    const lines: string[] = [];
    const kept = place('first');
    const into = join(work, 'copy-first');
    await dataFromTemplate(kept, into, initialiser(into, lines));
    expect(lines).toEqual([`test server: ran init-test once and kept the result as a template in ${templateDirectory(kept)}; the next start copies it`]);

    const blocked = { ...place('blocked'), cache: join(work, 'a-file') };
    writeFileSync(blocked.cache, '');
    const elsewhere = join(work, 'copy-blocked');
    const failing: string[] = [];
    expect(await dataFromTemplate(blocked, elsewhere, initialiser(elsewhere, failing))).toMatchObject({ from: 'initialised' });
    expect(failing).toHaveLength(1);
    expect(failing[0]).toMatch(/^test server: could not keep a template in .* \(.*ENOTDIR.*\); the next start runs init-test again$/);
  });

  it("removes a staging directory whose process is gone, and leaves a live one's", async () => {
    const at = place('staging');
    const parent = join(at.cache, 'templates');
    mkdirSync(parent, { recursive: true });
    // Pid 2^22 + 1 is above Linux's largest pid: no process has it.
    const gone = join(parent, `.staging-p${(2 ** 22 + 1).toString(36)}-abc`);
    const live = join(parent, `.staging-p${process.ppid.toString(36)}-abc`);
    mkdirSync(gone);
    mkdirSync(live);
    await keepAsTemplate(at, freshData(), { password: 'p' });
    expect(existsSync(gone)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });
});
