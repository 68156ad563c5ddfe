import { describe, expect, it } from 'vitest';
import { defineScenario, expectationUnder, ScenarioDefinitionError } from './define-scenario.ts';
import type { ScenarioDefinition } from './types.ts';

const valid: ScenarioDefinition = {
  name: 'my-scenario',
  expect: 'safe',
  why: 'because',
  origin: 'here',
  op: async (ctx) => void ctx.key(),
};

describe('defineScenario', () => {
  it('returns a frozen scenario', () => {
    const scenario = defineScenario(valid);
    expect(scenario.kind).toBe('racelab.scenario');
    expect(Object.isFrozen(scenario)).toBe(true);
  });

  it.each([
    [{ name: 'My Scenario' }, 'name must be lower-case words joined by dashes, got "My Scenario"'],
    [{ expect: 'maybe' }, "my-scenario: expect must be 'safe' or 'unsafe'"],
    [{ why: ' ' }, 'my-scenario: why must say why it is safe'],
    [{ origin: '' }, 'my-scenario: origin, when given, must say where the pattern comes from'],
    [{ setup: 'no' }, 'my-scenario: setup must be an async function'],
    [{ op: 'no' }, 'my-scenario: op must be an async function'],
    [{ isolation: 'snapshot' }, "my-scenario: isolation must be 'configured' or one of read-committed, repeatable-read, serializable"],
    [{ expectUnder: { serializable: { expect: 'unsafe', why: 'x' } } }, "my-scenario: expectUnder needs isolation: 'configured'"],
    [{ isolation: 'configured', expectUnder: { dirty: { expect: 'unsafe', why: 'x' } } }, 'my-scenario: expectUnder has an unknown level "dirty"'],
  ])('refuses %j', (change, message) => {
    expect(() => defineScenario({ ...valid, ...change } as ScenarioDefinition)).toThrow(
      new ScenarioDefinitionError(`defineScenario: ${message}`),
    );
  });
});

describe('expectationUnder', () => {
  const configured = defineScenario({
    ...valid,
    isolation: 'configured',
    expectUnder: { 'repeatable-read': { expect: 'unsafe', why: 'snapshot too early' } },
  });

  it('takes the override for the configured level', () => {
    expect(expectationUnder(configured, 'repeatable-read')).toEqual({ expect: 'unsafe', why: 'snapshot too early', isolation: 'repeatable-read' });
  });

  it('keeps the declared expectation elsewhere', () => {
    expect(expectationUnder(configured, 'read-committed')).toEqual({ expect: 'safe', why: 'because', isolation: 'read-committed' });
  });

  it('ignores the configured level for autocommit and fixed-level scenarios', () => {
    expect(expectationUnder(defineScenario(valid), 'serializable').isolation).toBe('autocommit');
    expect(expectationUnder(defineScenario({ ...valid, isolation: 'serializable' }), 'read-committed').isolation).toBe('serializable');
  });
});
