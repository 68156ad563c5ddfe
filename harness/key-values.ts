import type { ScenarioDefinition } from './contract/scenario.ts';

/** A key's value in the scenario's own rows (`user-000g@example.com`), or undefined where it has none. */
export type KeyValueOf = (key: string) => string | undefined;

const none: KeyValueOf = () => undefined;

/**
 * The scenario's own value for each key racelab drew (its `keyValue`), decided here once for every
 * record that names a key: a stress run's timelines and samples, explore's steps. Undefined where
 * the scenario declares none, where its value is the key itself (nothing to add; a command
 * scenario excepted, below), or where its
 * function throws after all (defineScenario tried it once): the reports then name the key as
 * racelab does, rather than lose the evidence over a label. A command scenario's keys are its
 * program's own values: each is its own value, which tells the reports to name it whole, once.
 */
export function keyValuesOf(scenario: Pick<ScenarioDefinition, 'keyValue' | 'command'>): KeyValueOf {
  // A command scenario's keys are its program's own (its op lines name them): shown as they are.
  if (scenario.command !== undefined) return (key) => key;
  const spell = scenario.keyValue;
  if (spell === undefined) return none;
  return (key) => {
    try {
      const value = spell(key);
      return typeof value === 'string' && value !== '' && value !== key ? value : undefined;
    } catch {
      return undefined;
    }
  };
}
