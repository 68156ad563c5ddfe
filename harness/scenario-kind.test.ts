import { expect, it } from 'vitest';
import { CommandScenarioUnsupported, opOf, whyNotOn } from './scenario-kind.ts';
import type { Scenario } from './contract/scenario.ts';

const command = { run: ['python3', 'x.py'] };
const postgres = { product: 'PostgreSQL', lacks: {}, wireProxy: async () => ({ url: '', close: async () => undefined }) };
const sqlite = { product: 'SQLite', lacks: { 'advisory-locks': 'SQLite has no advisory locks' } };

it('a command scenario runs where the store has a wire proxy, and is skipped elsewhere, saying why', () => {
  expect(whyNotOn({ command }, postgres)).toBeUndefined();
  expect(whyNotOn({ command }, sqlite)).toBe("SQLite has no wire proxy in racelab, through which a command scenario's processes are seen (docs/commands.md)");
  // An op scenario is judged by what it needs, as before.
  expect(whyNotOn({}, sqlite)).toBeUndefined();
  expect(whyNotOn({ needs: ['advisory-locks'] }, sqlite)).toBe('SQLite has no advisory locks');
});

it('what runs ops in its threads refuses a command scenario, naming it and where it can run', () => {
  const scenario = { name: 'django-save', command } as unknown as Scenario;
  expect(() => opOf(scenario, 'explore')).toThrow(CommandScenarioUnsupported);
  expect(() => opOf(scenario, 'explore')).toThrow("django-save is a command scenario: its ops run in its program's processes, which explore cannot do yet (reproduce and the gate can; docs/commands.md)");
});
