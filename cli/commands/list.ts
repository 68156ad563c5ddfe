import { lackingReason } from '../../harness/capabilities.ts';
import { loadScenario } from '../../harness/load-module.ts';
import type { Scenario } from '../../harness/contract/scenario.ts';
import type { Capability, DatabaseFamily, StatementTrace } from '../../harness/contract/store.ts';
import { BUILT_IN_SCENARIOS, DEFAULT_SCENARIOS } from '../../scenarios/index.ts';
import { EXIT } from '../exit-codes.ts';
import { UsageError } from '../../run/errors.ts';
import { listOption } from '../../run/option-rules.ts';
import { optionsHelp } from '../options-help.ts';
import type { OptionSpec } from '../option-spec.ts';
import { parseFlags } from '../parse-flags.ts';
import { ALLOW_REMOTE } from '../run-flags.ts';
import { isScenarioFile, refuseCommandScenario, scenarioModules } from '../../run/scenario-modules.ts';
import { parseDb } from '../../run/request.ts';
import { newRunId } from '../../harness/run-id.ts';
import { databaseOfChoice, type DatabaseChoice } from '../../stores/registry.ts';
import type { Command, CommandIo } from './command.ts';

/** Everything list takes: its parser reads this table and its help lists it. */
const options = (): OptionSpec[] => [
  { name: 'db', value: 'DB', help: 'the database, as for reproduce: its family picks the expectations,\nand with --sql it is where the op runs', default: 'auto' },
  { name: 'sql', value: 'SCENARIO', help: 'run one op of SCENARIO, a built-in name or a scenario file such as ./signup.race.ts,\non an empty table and print its statements, in order' },
  ALLOW_REMOTE,
];

export const listCommand: Command = {
  help: () =>
    [
      'usage: racelab list [--db DB] [--sql SCENARIO]',
      '',
      '  lists the scenarios with what each is expected to show, and why, on the database --db names',
      '',
      ...optionsHelp(options()),
    ].join('\n'),
  async run(args, io) {
    const flags = parseFlags('list', args, options());
    const names = Object.keys(BUILT_IN_SCENARIOS);
    const db = parseDb(flags.db ?? 'auto');
    if (flags.sql === undefined) {
      // Known from the choice alone: listing starts nothing and reaches nothing.
      const database = databaseOfChoice(db);
      const lines: string[] = [`on ${database.title}:`, ''];
      for (const name of names) lines.push(...describe(await loadScenario(BUILT_IN_SCENARIOS[name]!), database.family, database.lacks), '');
      io.stdout(lines.join('\n'));
      return EXIT.ok;
    }
    // A scenario file is named as given, and loaded now: one that does not load is refused before
    // a database starts.
    const [scenario] = isScenarioFile(flags.sql) ? [flags.sql] : listOption('--sql', flags.sql, names);
    const [module] = await scenarioModules('--sql', [scenario!]);
    await refuseCommandScenario(`--sql ${scenario!}`, module!, 'list --sql');
    return listSql(scenario!, module!, db, io, flags.flags.has('allow-remote'));
  },
};

function describe(scenario: Scenario, family: DatabaseFamily, lacks: Partial<Record<Capability, string>>): string[] {
  const isDefault = (DEFAULT_SCENARIOS as readonly string[]).includes(scenario.name);
  const isolation = scenario.isolation === undefined ? 'autocommit' : scenario.isolation === 'configured' ? 'takes --isolation' : scenario.isolation;
  const on = scenario.expectOn?.[family];
  const lacking = lackingReason(scenario.needs, lacks);
  if (lacking !== undefined) return [`${scenario.name}  (skipped here: ${lacking})`, `  origin: ${scenario.origin}`];
  const lines = [
    `${scenario.name}  (expected ${on?.expect ?? scenario.expect}; ${isolation}${isDefault ? '; runs by default' : ''})`,
    `  why:    ${on?.why ?? scenario.why}`,
    `  origin: ${scenario.origin}`,
  ];
  for (const [level, override] of Object.entries((on ? on.under : scenario.expectUnder) ?? {})) {
    lines.push(`  under ${level}: expected ${override.expect}: ${override.why}`);
  }
  return lines;
}

async function listSql(name: string, module: string, db: DatabaseChoice, io: CommandIo, allowRemote: boolean): Promise<number> {
  // Loaded here: the catalogue alone must start fast, without the driver or the engine.
  const [{ openRunDatabase }, { traceOp }, { runSetup, ScenarioSetupError }] = await Promise.all([
    import('../../run/open-database.ts'),
    import('../../harness/trace-op.ts'),
    import('../../harness/scenario-hooks.ts'),
  ]);
  const scenario = await loadScenario(module);
  const { database } = await openRunDatabase(db, io, allowRemote);
  try {
    const lacking = lackingReason(scenario.needs, database.lacks);
    if (lacking !== undefined) {
      io.stdout(`${name} does not run on ${database.product}: ${lacking}\n`);
      return EXIT.ok;
    }
    const target = await database.createRunSchema(newRunId());
    try {
      const config = {
        workers: 1, threads: 1, opsPerWorker: 1, keys: 'shrunk', keySpace: 64, occupancy: 0, maxAttempts: 10, seed: 1, isolation: database.isolations[0]!, opTimeoutMs: 10_000,
      } as const;
      // A scenario file's own tables; the catalogue's are in every run schema already.
      try {
        await runSetup(database, target, scenario, module);
      } catch (error) {
        if (error instanceof ScenarioSetupError) throw new UsageError(`--sql ${error.message}`);
        throw error;
      }
      const statements = await traceOp(module, database.storeModule, target, config);
      if (io.signal.aborted) return EXIT.interrupted;
      io.stdout(render(name, `${database.product} ${database.version}`, statements));
    } finally {
      await database.dropRunSchema(target);
    }
  } finally {
    await database.stop();
  }
  return EXIT.ok;
}

function render(name: string, server: string, statements: readonly StatementTrace[]): string {
  const lines = [`${name}: the statements of one op on an empty table (${server}), in order:`, ''];
  statements.forEach((s, i) => {
    lines.push(`${String(i + 1).padStart(2)}. ${s.text}`);
    const values = s.values.map((v, j) => `$${j + 1} = ${v instanceof Date ? `'${v.toISOString()}'` : JSON.stringify(v)}`);
    const result = s.error ? `ERROR ${s.error.code ?? ''} ${s.error.message}` : `${s.rowCount} row${s.rowCount === 1 ? '' : 's'}`;
    lines.push(`    ${values.length > 0 ? `${values.join(', ')} ` : ''}→ ${result}`);
  });
  lines.push('', 'On an empty table every check finds its key free; under contention the op loops as its source shows.');
  return `${lines.join('\n')}\n`;
}
