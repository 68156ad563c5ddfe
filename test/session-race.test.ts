import { expect, it } from 'vitest';
import { schemasOf } from './cli-process.ts';
import { connectedDatabase, describeEachServer } from './databases.ts';
import { builtIn, fixture, runScenarios } from './run.ts';

describeEachServer('the ticket #18344 race', (server) => {
  const database = connectedDatabase(server);

  it('naive-save reproduces IntegrityErrors at K=16 with 4 workers, and atomic-create has none', async () => {
    // Needs the race to happen: bench/race-test-odds.ts measured, over 10 runs at this size,
    // at least 94 IntegrityErrors for naive-save at 4×500, K=16: P(none) < 10^-40.
    const findings = await runScenarios(database(), [builtIn('naive-save'), builtIn('atomic-create')]);
    const naive = findings['naive-save']!;
    const atomic = findings['atomic-create']!;

    expect(naive.ops).toBe(2000);
    expect(naive.outcomes.integrity_error).toBeGreaterThan(0);
    expect(naive.verdict).toBe('reproduced');
    expect(naive.matchesExpectation).toBe(true);
    expect(naive.firstViolation?.error).toMatchObject({ code: '23505', constraint: 'django_session_pkey' });
    expect(naive.outcomes.ok + naive.outcomes.integrity_error).toBe(naive.ops);

    expect(atomic.ops).toBe(2000);
    expect(atomic.outcomes.ok).toBe(2000);
    expect(atomic.violations).toBe(0);
    expect(atomic.verdict).toBe('holds');
    expect(atomic.matchesExpectation).toBe(true);
    // The race still happened under atomic-create: it was absorbed, not avoided.
    expect(atomic.retries).toBeGreaterThan(0);
    expect(atomic.rate.high).toBeGreaterThan(0);
  });

  it('classifies a forced duplicate as integrity_error with the server constraint, detail and key', async () => {
    // One key, kept alive by the only worker: its second insert must collide, whatever the timing.
    const findings = await runScenarios(database(), [fixture('blind-insert')], {
      workers: 1,
      opsPerWorker: 2,
      keySpace: 1,
      occupancy: 1,
    });
    const finding = findings['blind-insert']!;
    expect(finding.outcomes).toMatchObject({ ok: 1, integrity_error: 1 });
    const sample = finding.firstViolation!;
    expect(sample).toMatchObject({ outcome: 'integrity_error', worker: 1, op: 2 });
    expect(sample.error).toMatchObject({
      code: '23505',
      severity: 'ERROR',
      constraint: 'django_session_pkey',
      table: 'django_session',
      message: 'duplicate key value violates unique constraint "django_session_pkey"',
    });
    expect(sample.error.detail).toBe(`Key (session_key)=(${sample.key}) already exists.`);
    expect(sample.key).toMatch(/^[a-z0-9]{32}$/);
  });

  it('ends an op key_space_exhausted at the draw cap instead of hanging', async () => {
    // One key, held for good by the first op: every later op can only run into the cap.
    const findings = await runScenarios(database(), [builtIn('atomic-create'), builtIn('naive-save')], {
      workers: 1,
      opsPerWorker: 4,
      keySpace: 1,
      occupancy: 1,
      maxAttempts: 25,
    });
    for (const name of ['atomic-create', 'naive-save']) {
      const finding = findings[name]!;
      expect(finding.outcomes).toMatchObject({ ok: 1, key_space_exhausted: 3 });
      expect(finding.draws).toBe(1 + 3 * 25);
      expect(finding.firstCapacityFailure?.error.message).toBe('no free key after 25 draws from a key space of 1');
      expect(finding.firstViolation).toBeUndefined();
    }
    // Capacity is no evidence of a race, and one worker opens no race window: no violation, and
    // no evidence either way.
    expect(findings['atomic-create']!).toMatchObject({ verdict: 'no-evidence', violations: 0, windows: 0 });
  });

  it('reports a scenario that throws as a harness failure with its stack, not as a race', async () => {
    const finding = (await runScenarios(database(), [fixture('throwing')], { workers: 2, opsPerWorker: 3 }))['throwing']!;
    expect(finding.outcomes.error).toBe(6);
    expect(finding.violations).toBe(0);
    expect(finding.firstHarnessFailure?.error.message).toBe('scenario bug');
    expect(finding.firstHarnessFailure?.error.stack).toContain('throwing.ts');
  });

  it('drops every schema it created', async () => {
    await runScenarios(database(), [builtIn('naive-save')], { workers: 2, opsPerWorker: 50 });
    // Run ids carry this process's id: other runs on the same server are none of this test's business.
    expect(await schemasOf(server.url, process.pid)).toEqual([]);
  });
});
