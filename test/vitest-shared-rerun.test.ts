/**
 * race() on racelab/vitest's shared database prints a rerun that still works when the test run
 * is over: the throwaway server it ran on is gone by then, so the rerun starts an embedded
 * PostgreSQL of its own; a DATABASE_URL the user gave stays theirs.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { race } from '../api/race.ts';
import { setup, teardown } from '../api/vitest.ts';

const examples = new URL('../examples/', import.meta.url);
const small = { workers: 2, ops: 5, seed: 1 };
const saved = process.env['DATABASE_URL'];

afterEach(async () => {
  await teardown();
  if (saved === undefined) delete process.env['DATABASE_URL'];
  else process.env['DATABASE_URL'] = saved;
});

describe("race() on racelab/vitest's shared database", () => {
  it('started by the global setup: the rerun names --db embedded, not the server that ends with the test run', async () => {
    delete process.env['DATABASE_URL'];
    await setup();
    const report = await race(new URL('signup-unique-index.race.ts', examples), small);
    // It ran on the shared server…
    expect(report.database).toMatchObject({ kind: 'server', label: expect.stringMatching(/^postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres$/) });
    // …and its rerun starts a database of its own.
    expect(report.replayCommand).toMatch(/^racelab reproduce --db embedded --scenario \S*examples\/signup-unique-index\.race\.ts /);
    expect(report.replayCommand).not.toContain('127.0.0.1');
  });

  it("the user's DATABASE_URL: the rerun names it, its password hidden", async () => {
    process.env['DATABASE_URL'] = inject('embeddedUrl');
    await setup();
    const report = await race(new URL('signup-unique-index.race.ts', examples), small);
    expect(report.replayCommand).toMatch(/^racelab reproduce --db postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres --scenario /);
  });
});
