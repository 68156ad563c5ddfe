import { moduleBeside } from '../harness/module-url.ts';

/**
 * The catalogue of built-in scenarios: name → module URL, in the order `racelab list` shows them.
 * Workers load a scenario by URL, so the catalogue hands out URLs rather than imported objects.
 */
const scenario = (file: string) => moduleBeside(`./${file}`, import.meta.url);

export const BUILT_IN_SCENARIOS: Readonly<Record<string, string>> = {
  'naive-save': scenario('naive-save'),
  'naive-upsert': scenario('naive-upsert'),
  'select-for-update': scenario('select-for-update'),
  'serializable-save': scenario('serializable-save'),
  'on-conflict': scenario('on-conflict'),
  'advisory-lock': scenario('advisory-lock'),
  'atomic-create': scenario('atomic-create'),
};

/** The ticket's pair: the naive save beside the fixed create. */
export const DEFAULT_SCENARIOS = ['naive-save', 'atomic-create'] as const;
