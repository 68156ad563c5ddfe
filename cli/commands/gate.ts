import { compareWithBaseline } from '../../harness/baseline.ts';
import { allFindings } from '../../harness/report-input.ts';
import { baselineLines, gateLines, gateRules, type GateLine } from '../../reports/gate-terminal.ts';
import { evidenceLinesFor } from '../../reports/terminal.ts';
import { readBaseline } from '../baseline-file.ts';
import { dbArgument } from '../replay-command.ts';
import { EXIT } from '../exit-codes.ts';
import { checkOutDir } from '../out-dir.ts';
import { durationOption, fractionOption, integerOption } from '../option-rules.ts';
import { searchScenarios } from '../../harness/explore/search-scenarios.ts';
import type { Finding } from '../../harness/finding.ts';
import { parseReproduceOptions, REPRODUCE_OPTIONS } from '../reproduce-options.ts';
import { runInvocation, taintedFindings } from '../run-invocation.ts';
import { sizeHeapsForMemory } from '../heap-sizing.ts';
import type { Command } from './command.ts';

/** Small: races on a busy CI machine vary from run to run more than independent ops would. */
const DEFAULT_ALPHA = '0.001';
/** The search's budget per scenario: explore's own default of inputs, and a cap for slow scenarios. */
const DEFAULT_EXPLORE_RUNS = '100';
const DEFAULT_EXPLORE_TIME = '60s';

export const gateCommand: Command = {
  help: () =>
    [
      'usage: racelab gate [options]   (the options of reproduce; --scenario defaults to all)',
      '',
      '  --baseline FILE  a stored report.json: fail a scenario whose rate moved significantly the wrong way',
      `  --alpha A        significance of the baseline test (default ${DEFAULT_ALPHA})`,
      `  --explore-runs N inputs the search tries per scenario after the stress run; 0 for none (default ${DEFAULT_EXPLORE_RUNS})`,
      `  --explore-time T time cap of each scenario's search, e.g. 30s or 2m (default ${DEFAULT_EXPLORE_TIME})`,
      ...Object.entries(REPRODUCE_OPTIONS).map(([name, o]) => `  --${name.padEnd(14)} ${o.help}`),
    ].join('\n'),

  async run(args, io) {
    const options = parseReproduceOptions(args, 'gate', { scenario: 'all' }, ['baseline', 'alpha', 'explore-runs', 'explore-time']);
    const alpha = fractionOption('alpha', options.extra['alpha'] ?? DEFAULT_ALPHA, 0, 0.5);
    const runs = integerOption('explore-runs', options.extra['explore-runs'] ?? DEFAULT_EXPLORE_RUNS, 0, 100_000);
    const timeLimitMs = durationOption('explore-time', options.extra['explore-time'] ?? DEFAULT_EXPLORE_TIME, 100, 3_600_000);
    const budget = runs === 0 ? undefined : { runs, timeLimitMs };
    const baselinePath = options.extra['baseline'];
    const baseline = baselinePath === undefined ? undefined : await readBaseline(baselinePath);
    await checkOutDir(options.out);
    sizeHeapsForMemory();
    const { input, reportDir } = await runInvocation('gate', options, io, {
      commandLine: ['gate', ...args],
      ...(budget && {
        search: (database, choice, modules, findings) => {
          io.progress(`searching interleavings${options.db.length > 1 ? ` on ${database.product} ${database.version}` : ''}: up to ${budget.runs} inputs or ${budget.timeLimitMs / 1000} s per scenario…`);
          const isolation = options.isolationGiven ? options.config.isolation : database.isolations[0]!;
          return searchScenarios(database, worthSearching(modules, findings, options.scenarios.map((name) => `${name}${dbArgument(choice)}`)), { ...budget, isolation, signal: io.signal });
        },
      }),
    });

    const out = (line: string) => io.stdout(`${line}\n`);
    const on = (input.databases ?? [input.database]).map((db) => `${db.product} ${db.version} (${db.kind})`).join(', ');
    out(`racelab gate · ${on} · seed ${input.config.seed}`);
    for (const line of gateRules(baseline && alpha, budget)) out(line);
    if (input.interrupted || io.signal.aborted) {
      out('gate: INTERRUPTED, no verdict');
      return EXIT.interrupted;
    }
    if (input.failure) {
      io.error(`gate: the run broke, no verdict: ${input.failure}`);
      return EXIT.infrastructure;
    }
    const tainted = taintedFindings(input);
    if (tainted.length > 0) {
      for (const { finding, product } of tainted) out(evidenceLinesFor(finding, product).join('\n'));
      io.error(`gate: harness failure in ${[...new Set(tainted.map(({ finding }) => finding.scenario.name))].join(', ')}: no verdict`);
      return EXIT.infrastructure;
    }
    const lines: GateLine[] = gateLines(input);
    if (baseline) {
      const findings = allFindings(input).map(({ finding, point }) => ({
        finding,
        ...(point.value !== undefined && { sweepValue: point.value }),
        ...(point.database && { database: point.database.label }),
      }));
      lines.push(...baselineLines(compareWithBaseline(findings, baseline, alpha)));
    }
    for (const line of lines) out(`${line.pass ? 'PASS' : 'FAIL'} ${line.text}`);
    const failed = lines.filter((line) => !line.pass).length;
    out(`gate: ${failed === 0 ? 'PASS' : 'FAIL'} (${lines.length - failed} of ${lines.length} checks passed); reports in ${reportDir}`);
    return failed === 0 ? EXIT.ok : EXIT.mismatch;
  },
};

/**
 * The scenarios the search looks at: every one expected safe, whose stress run may simply have
 * missed the race, and every one expected unsafe that the stress run did not reproduce. One that
 * reproduced needs no search. Modules, findings and the scenario arguments are in the same order.
 */
function worthSearching(modules: readonly string[], findings: readonly Finding[], argumentsGiven: readonly string[]) {
  const names = [...new Set(findings.map((f) => f.scenario.name))];
  return modules
    .map((module, index) => ({ module, argument: argumentsGiven[index]!, own: findings.filter((f) => f.scenario.name === names[index]) }))
    .filter(({ own }) => own.length > 0 && (own[0]!.scenario.expect === 'safe' || own.every((f) => f.verdict === 'holds')))
    .map(({ module, argument }) => ({ module, argument }));
}
