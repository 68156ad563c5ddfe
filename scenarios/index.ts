/**
 * The catalogue of built-in scenarios: name → module URL. Workers load a scenario by URL, so the
 * catalogue hands out URLs rather than imported objects.
 */
export const BUILT_IN_SCENARIOS: Readonly<Record<string, string>> = {
  'naive-save': new URL('./naive-save.ts', import.meta.url).href,
  'atomic-create': new URL('./atomic-create.ts', import.meta.url).href,
};

/** The ticket's pair: the naive save beside the fixed create. */
export const DEFAULT_SCENARIOS = ['naive-save', 'atomic-create'] as const;
