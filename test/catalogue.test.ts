import { beforeAll, expect, it } from 'vitest';
import type { Finding } from '../harness/finding.ts';
import { BUILT_IN_SCENARIOS } from '../scenarios/index.ts';
import { connectedDatabase, describeEachServer } from './databases.ts';
import { builtIn, fixture, runScenarios } from './run.ts';

describeEachServer('the race catalogue at K=16 with 4 workers', (server) => {
  const database = connectedDatabase(server);
  let findings: Record<string, Finding>;
  beforeAll(async () => {
    // Needs the race to happen: bench/race-test-odds.ts measured, over 10 runs at this size,
    // at least 76 IntegrityErrors for naive-save, 102 for select-for-update and 37 overwrites for
    // naive-upsert: taking a run's count as Poisson, P(none) <= e^-37 < 10^-16.
    findings = await runScenarios(database(), Object.values(BUILT_IN_SCENARIOS), { opsPerWorker: 400 });
  });

  it('every verdict matches its scenario', () => {
    const verdicts = Object.fromEntries(Object.values(findings).map((f) => [f.scenario.name, f.verdict]));
    expect(verdicts).toEqual({
      'naive-save': 'reproduced',
      'naive-upsert': 'reproduced',
      'select-for-update': 'reproduced',
      'serializable-save': 'holds',
      'on-conflict': 'holds',
      'advisory-lock': 'holds',
      'atomic-create': 'holds',
    });
    for (const finding of Object.values(findings)) expect(finding.matchesExpectation).toBe(true);
  });

  it('naive-upsert overwrites sessions silently: the audit finds them, no error was raised for them', () => {
    const upsert = findings['naive-upsert']!;
    expect(upsert.outcomes.overwritten).toBeGreaterThan(0);
    expect(upsert.silentViolations).toBe(upsert.outcomes.overwritten + upsert.outcomes.lost);
    const example = upsert.firstSilentViolation!;
    expect(example.outcome).toMatch(/^(overwritten|lost)$/);
    expect(example.audit!.wrote).toBe(`{"owner":"w${example.worker}:op${example.op}"}`);
    expect(example.audit!.found).not.toBe(example.audit!.wrote);
    expect(example.error.code).toBeUndefined();
  });

  it('select-for-update fails with IntegrityError: FOR UPDATE locked no row', () => {
    expect(findings['select-for-update']!.outcomes.integrity_error).toBeGreaterThan(0);
    expect(findings['select-for-update']!.scenario.isolation).toBe('read-committed');
  });

  it('the safe scenarios absorb the race and report how they did', () => {
    for (const name of ['serializable-save', 'on-conflict', 'advisory-lock', 'atomic-create']) {
      const finding = findings[name]!;
      expect(finding.violations).toBe(0);
      expect(finding.outcomes.ok).toBe(finding.ops);
    }
    expect(findings['serializable-save']!.retries).toBeGreaterThan(0);
    expect(findings['serializable-save']!.scenario.isolation).toBe('serializable');
    expect(findings['on-conflict']!.retries).toBeGreaterThan(0);
  });

  it('the loud scenarios are never audited into silent violations', () => {
    for (const name of ['naive-save', 'select-for-update']) expect(findings[name]!.silentViolations).toBe(0);
  });
});

describeEachServer('isolation levels', (server) => {
  const database = connectedDatabase(server);

  it('advisory-lock breaks under REPEATABLE READ: the lock statement took the snapshot before the lock', async () => {
    // Needs the race to happen: bench/race-test-odds.ts measured, over 10 runs at this size,
    // at least 82 IntegrityErrors: P(none) < 10^-35.
    const finding = (await runScenarios(database(), [builtIn('advisory-lock')], { isolation: 'repeatable-read', opsPerWorker: 300 }))[
      'advisory-lock'
    ]!;
    expect(finding.scenario).toMatchObject({ isolation: 'repeatable-read', expect: 'unsafe' });
    expect(finding.outcomes.integrity_error).toBeGreaterThan(0);
    expect(finding.matchesExpectation).toBe(true);
  });

  it('under SERIALIZABLE PostgreSQL refuses the racing select-for-update with 40001, not 23505', async () => {
    // Needs the race to happen: bench/race-test-odds.ts measured, over 10 runs at this size,
    // at least 388 serialization failures: P(none) < 10^-160.
    const finding = (await runScenarios(database(), [builtIn('select-for-update')], { isolation: 'serializable', opsPerWorker: 300 }))[
      'select-for-update'
    ]!;
    expect(finding.outcomes.serialization_failure).toBeGreaterThan(0);
    expect(finding.firstLoudViolation?.error.code).toBe('40001');
    expect(finding.verdict).toBe('reproduced');
  });
});

describeEachServer('the audit', (server) => {
  const database = connectedDatabase(server);

  const oneWorker = { workers: 1, opsPerWorker: 2 } as const;
  const overwrite = { wrote: '{"owner":"w1:op1"}', found: '{"owner":"w1:op2"}' };

  it('detects a planted overwrite when the session expires: whose session, whose data, which key', async () => {
    // One live session allowed: op 0's session is expired, and audited, right after op 1.
    const finding = (await runScenarios(database(), [fixture('plant-overwrite')], { ...oneWorker, keySpace: 1, occupancy: 1 }))[
      'plant-overwrite'
    ]!;
    expect(finding.outcomes).toMatchObject({ ok: 1, overwritten: 1, lost: 0 });
    expect(finding.firstSilentViolation).toMatchObject({ outcome: 'overwritten', worker: 1, op: 1, audit: overwrite });
    expect(finding.firstSilentViolation!.key).toMatch(/^[a-z0-9]{32}$/);
    expect(finding.verdict).toBe('reproduced');
  });

  it('detects a planted overwrite at the final audit of the sessions still live', async () => {
    // Two live sessions allowed: nothing expires, so only the final audit reads op 0's row.
    const finding = (await runScenarios(database(), [fixture('plant-overwrite')], { ...oneWorker, keySpace: 2, occupancy: 1 }))[
      'plant-overwrite'
    ]!;
    expect(finding.outcomes).toMatchObject({ ok: 1, overwritten: 1, lost: 0 });
    expect(finding.firstSilentViolation).toMatchObject({ outcome: 'overwritten', op: 1, audit: overwrite });
  });

  it('does not flag a session its owner expired before the key was used again', async () => {
    // No live sessions allowed: op 0 deletes its own row before op 1 saves under the same key.
    const finding = (await runScenarios(database(), [fixture('plant-overwrite')], { ...oneWorker, keySpace: 1, occupancy: 0 }))[
      'plant-overwrite'
    ]!;
    expect(finding.outcomes).toMatchObject({ ok: 2, overwritten: 0, lost: 0 });
  });

  it('detects a planted loss: the row is gone though its owner never deleted it', async () => {
    const finding = (await runScenarios(database(), [fixture('plant-loss')], { ...oneWorker, keySpace: 1, occupancy: 1 }))['plant-loss']!;
    expect(finding.outcomes).toMatchObject({ ok: 1, lost: 1 });
    expect(finding.firstSilentViolation).toMatchObject({ outcome: 'lost', op: 1, audit: { wrote: '{"owner":"w1:op1"}', found: null } });
  });
});

describeEachServer('key modes', (server) => {
  const database = connectedDatabase(server);

  it('same-seed: with the real key space, identically seeded workers still collide on naive-save', async () => {
    // Needs the race to happen: bench/race-test-odds.ts measured, over 10 runs at this size,
    // at least 23 IntegrityErrors: P(none) <= e^-23 = 10^-10.
    const finding = (await runScenarios(database(), [builtIn('naive-save')], { keys: 'same-seed', keySpace: 36 ** 32, opsPerWorker: 200 }))[
      'naive-save'
    ]!;
    expect(finding.outcomes.integrity_error).toBeGreaterThan(0);
    expect(finding.firstLoudViolation!.key).toMatch(/^[a-z0-9]{32}$/);
  });

  it('django: with the real key space and independent generators, naive-save does not collide', async () => {
    const finding = (await runScenarios(database(), [builtIn('naive-save')], { keys: 'django', keySpace: 36 ** 32, opsPerWorker: 200 }))[
      'naive-save'
    ]!;
    // No two ops ever drew one key: no race window, so no evidence either way, and no violation.
    expect(finding).toMatchObject({ verdict: 'no-evidence', violations: 0, windows: 0 });
    expect(finding.draws).toBe(finding.ops); // no draw was ever taken
  });
});
