import { describe, expect, it } from 'vitest';
import { defineScenario, expectationUnder, ScenarioDefinitionError } from './define-scenario.ts';
import type { ScenarioDefinition } from './contract/scenario.ts';

const valid: ScenarioDefinition = {
  name: 'my-scenario',
  expect: 'safe',
  why: 'because',
  origin: 'here',
  op: async (ctx) => void ctx.key(),
};

describe('defineScenario', () => {
  it("keeps the scenario's own value for a key", () => {
    const scenario = defineScenario({ ...valid, keyValue: (key) => `SPRING-${key.slice(-4)}` });
    expect(scenario.keyValue?.('f9c7sdha8u77sm0hcv9xilox0000000g')).toBe('SPRING-000g');
  });

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
    [{ op: 'no' }, 'my-scenario: op must be an async function (or command, a program that does the ops)'],
    [{ connect: 'postgres://x' }, "my-scenario: connect must be a function that makes what each worker's ops use"],
    [{ disconnect: true }, 'my-scenario: disconnect must be a function that closes what connect made'],
    [{ isolation: 'snapshot' }, "my-scenario: isolation must be 'configured' or one of read-committed, repeatable-read, serializable, deferred, immediate"],
    [{ expectUnder: { serializable: { expect: 'unsafe', why: 'x' } } }, "my-scenario: expectUnder needs isolation: 'configured'"],
    [{ needs: ['row-locks', 'table-locks'] }, 'my-scenario: needs must list some of row-locks, advisory-locks'],
    [{ isolation: 'configured', expectUnder: { dirty: { expect: 'unsafe', why: 'x' } } }, 'my-scenario: expectUnder has an unknown level "dirty"'],
    [{ keyValue: 'SPRING-' }, "my-scenario: keyValue must be a function that returns the scenario's own value for a drawn key (a non-empty string)"],
    [
      { keyValue: (key: string) => key.length },
      "my-scenario: keyValue must be a function that returns the scenario's own value for a drawn key (a non-empty string); for the key f9c7sdha8u77sm0hcv9xilox0000000g it returned 32",
    ],
    [
      { keyValue: () => undefined },
      "my-scenario: keyValue must be a function that returns the scenario's own value for a drawn key (a non-empty string); for the key f9c7sdha8u77sm0hcv9xilox0000000g it returned undefined",
    ],
    [
      {
        keyValue: (key: string) => {
          throw new Error(`no coupon for ${key.slice(-4)}`);
        },
      },
      "my-scenario: keyValue must be a function that returns the scenario's own value for a drawn key (a non-empty string); for the key f9c7sdha8u77sm0hcv9xilox0000000g it threw: no coupon for 000g",
    ],
    [{ op: undefined, command: { run: ['python3', 'x.py'] }, connect: () => undefined }, "my-scenario: connect and disconnect are for an op's own pool; a command's processes connect by themselves"],
    [{ command: { run: ['python3', 'x.py'] } }, "my-scenario: has both op and command; a scenario's ops run either in racelab (op) or in a program's processes (command)"],
    [{ op: undefined, command: { run: [] } }, 'my-scenario: command.run must be the program and its arguments, a non-empty array of strings'],
    [{ op: undefined, command: { run: 'python3 x.py' } }, 'my-scenario: command.run must be the program and its arguments, a non-empty array of strings'],
    [{ op: undefined, command: { run: ['python3'], setup: [] } }, 'my-scenario: command.setup, when given, must be a program and its arguments, a non-empty array of strings'],
    [{ op: undefined, command: { run: ['python3'], cwd: '' } }, 'my-scenario: command.cwd, when given, must be a directory'],
    [{ op: undefined }, 'my-scenario: op must be an async function (or command, a program that does the ops)'],
  ])('refuses %j', (change, message) => {
    expect(() => defineScenario({ ...valid, ...change } as ScenarioDefinition)).toThrow(
      new ScenarioDefinitionError(`defineScenario: ${message}`),
    );
  });
});

describe('a command scenario', () => {
  it('takes a program in place of an op', () => {
    const { op: _op, ...noOp } = valid;
    const scenario = defineScenario({ ...noOp, command: { run: ['python3', 'sessions_race.py', 'save'], setup: ['python3', 'sessions_race.py', 'migrate'], cwd: 'django' } });
    expect(scenario.command).toEqual({ run: ['python3', 'sessions_race.py', 'save'], setup: ['python3', 'sessions_race.py', 'migrate'], cwd: 'django' });
    expect(scenario.op).toBeUndefined();
  });
});

describe('expectationUnder', () => {
  const configured = defineScenario({
    ...valid,
    isolation: 'configured',
    expectUnder: { 'repeatable-read': { expect: 'unsafe', why: 'snapshot too early' } },
  });

  it('takes the override for the configured level', () => {
    expect(expectationUnder(configured, 'repeatable-read', 'postgresql')).toEqual({ expect: 'unsafe', why: 'snapshot too early', isolation: 'repeatable-read' });
  });

  it('keeps the declared expectation elsewhere', () => {
    expect(expectationUnder(configured, 'read-committed', 'postgresql')).toEqual({ expect: 'safe', why: 'because', isolation: 'read-committed' });
  });

  it('ignores the configured level for autocommit and fixed-level scenarios', () => {
    expect(expectationUnder(defineScenario(valid), 'serializable', 'postgresql').isolation).toBe('autocommit');
    expect(expectationUnder(defineScenario({ ...valid, isolation: 'serializable' }), 'read-committed', 'postgresql').isolation).toBe('serializable');
  });

  it("takes a database family's own expectation whole, its levels included, and the general one elsewhere", () => {
    const perDatabase = defineScenario({
      ...valid,
      isolation: 'configured',
      expectUnder: { 'repeatable-read': { expect: 'unsafe', why: 'snapshot too early' } },
      expectOn: { mysql: { expect: 'unsafe', why: 'gap locks', under: { 'read-committed': { expect: 'safe', why: 'no gap locks' } } } },
    });
    expect(expectationUnder(perDatabase, 'repeatable-read', 'mysql')).toEqual({ expect: 'unsafe', why: 'gap locks', isolation: 'repeatable-read' });
    expect(expectationUnder(perDatabase, 'read-committed', 'mysql')).toEqual({ expect: 'safe', why: 'no gap locks', isolation: 'read-committed' });
    expect(expectationUnder(perDatabase, 'repeatable-read', 'postgresql').why).toBe('snapshot too early');
  });

  it('refuses an expectOn for a family it does not know, or one that says no why', () => {
    expect(() => defineScenario({ ...valid, expectOn: { oracle: { expect: 'safe', why: 'x' } } as never })).toThrow(/expectOn has an unknown database family "oracle"/);
    expect(() => defineScenario({ ...valid, expectOn: { mysql: { expect: 'safe', why: ' ' } } })).toThrow('defineScenario: my-scenario: expectOn.mysql.why must say why');
  });

  it('knows the module that defined it, from the call site: where worker threads load it from', () => {
    expect(defineScenario(valid).module).toBe(import.meta.url);
    const { origin: _, ...unnamed } = valid;
    expect(defineScenario(unnamed).origin).toBe(`scenario file ${import.meta.url}`);
  });
});
