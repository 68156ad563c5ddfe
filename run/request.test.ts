import { describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIOS } from '../scenarios/index.ts';
import { UsageError } from './errors.ts';
import { buildRequest, RUN_OPTIONS, shownDefault, type RunOptionName } from './request.ts';

/** The one request, checked in-process: its defaults, its rules, and how each front door names an option. */
describe('buildRequest', () => {
  it('takes its defaults as values, which help prints', () => {
    const request = buildRequest({ given: { seed: 5 }, dbList: false });
    expect(request).toMatchObject({
      db: ['auto'],
      isolationGiven: false,
      scenarios: [...DEFAULT_SCENARIOS],
      allowRemote: false,
      history: false,
      expectations: {},
      rate: RUN_OPTIONS.rate.default,
      out: RUN_OPTIONS.out.default,
      config: {
        workers: RUN_OPTIONS.clients.default,
        opsPerWorker: RUN_OPTIONS.ops.default,
        keys: 'shrunk',
        keySpace: RUN_OPTIONS['key-space'].default,
        occupancy: RUN_OPTIONS.occupancy.default,
        maxAttempts: RUN_OPTIONS['max-attempts'].default,
        opTimeoutMs: RUN_OPTIONS['op-timeout'].default,
        seed: 5,
      },
    });
    expect(shownDefault('ops')).toBe('2000');
    expect(shownDefault('threads')).toBe('half the cores');
    expect(Object.keys(RUN_OPTIONS).every((name) => shownDefault(name as RunOptionName).length > 0)).toBe(true);
  });

  it('reads numbers as given by code and strings as typed on a command line, by the same rules', () => {
    expect(buildRequest({ given: { ops: 25, 'key-space': '8' } }).config).toMatchObject({ opsPerWorker: 25, keySpace: 8 });
    expect(() => buildRequest({ given: { ops: 2.5 } })).toThrow(new UsageError('--ops must be a whole number from 1 to 1,000,000, got 2.5'));
    expect(() => buildRequest({ given: { ops: '2.5' } })).toThrow(new UsageError('--ops must be a whole number from 1 to 1,000,000, got "2.5"'));
  });

  it('names each option as its front door spells it', () => {
    const label = (name: string) => ({ 'key-space': 'keySpace', 'op-timeout': 'opTimeoutMs' })[name] ?? name;
    expect(() => buildRequest({ given: { 'key-space': 0 }, label })).toThrow('keySpace must be a whole number from 1 to');
    expect(() => buildRequest({ given: { keys: 'django', 'key-space': 8 }, label })).toThrow(new UsageError('keySpace applies only to keys shrunk; keys django draws from the real key space'));
    expect(buildRequest({ given: { db: 'sqlite', isolation: 'immediate' }, label }).config.isolation).toBe('immediate');
    expect(() => buildRequest({ given: { db: 'embedded', isolation: 'deferred' }, label })).toThrow(new UsageError('isolation deferred is not offered by db embedded, which takes read-committed, repeatable-read, serializable'));
    expect(() => buildRequest({ given: { db: 'oracle' }, label, dbList: false })).toThrow(/^db must be auto, embedded/);
  });

  it('takes a list of databases only where one is allowed', () => {
    expect(buildRequest({ given: { db: 'embedded,sqlite' } }).db).toEqual(['embedded', 'sqlite']);
    expect(() => buildRequest({ given: { db: 'embedded,sqlite' }, dbList: false })).toThrow('--db takes one database here, got the list "embedded,sqlite"');
    expect(() => buildRequest({ given: { db: 'embedded,embedded' } })).toThrow('--db names a database twice: "embedded"');
  });

  it('checks what belongs together: sweep, duration, clients and threads, expectations', () => {
    expect(buildRequest({ given: { sweep: 'workers=2,4', threads: 8 } })).toMatchObject({ sweep: { parameter: 'workers', values: [2, 4] }, threadsRequested: 8 });
    expect(() => buildRequest({ given: { sweep: 'key-space=4,16', db: 'embedded,sqlite' } })).toThrow('--sweep and a list of databases in --db cannot be given together');
    expect(buildRequest({ given: { duration: '2s' } }).config).toMatchObject({ durationMs: 2000, opsPerWorker: 1_000_000 });
    expect(() => buildRequest({ given: { duration: '2s', ops: 5 } })).toThrow('--duration and --ops cannot be given together');
    expect(() => buildRequest({ given: { clients: 2, threads: 3 } })).toThrow('--threads must be at most --clients (2)');
    expect(buildRequest({ given: { expect: 'naive-save=safe,atomic-create=unsafe' } }).expectations).toEqual({ 'naive-save': 'safe', 'atomic-create': 'unsafe' });
    expect(() => buildRequest({ given: { expect: 'naive-save=maybe' } })).toThrow('--expect takes NAME=safe or NAME=unsafe');
  });

  it('runs the whole catalogue for all, and checks built-in names but leaves files to be loaded', () => {
    expect(buildRequest({ given: { scenario: 'all' } }).scenarios.length).toBeGreaterThan(DEFAULT_SCENARIOS.length);
    expect(buildRequest({ given: { scenario: './mine.race.ts,naive-save' } }).scenarios).toEqual(['./mine.race.ts', 'naive-save']);
    expect(() => buildRequest({ given: { scenario: 'naive-sav' } })).toThrow('(did you mean naive-save?)');
    expect(buildRequest({ given: {}, defaults: { scenario: 'all', isolation: 'serializable' } })).toMatchObject({ isolationGiven: true, config: { isolation: 'serializable' } });
  });
});
