import type { Finding } from '../../harness/finding.ts';
import { allFindings, type ReportInput } from '../../harness/report-input.ts';
import { count, magnitude, percent } from '../../reports/format.ts';
import { renderTerminal } from '../../reports/terminal.ts';
import { EXIT } from '../exit-codes.ts';
import { checkOutDir } from '../out-dir.ts';
import { parseReproduceOptions, REPRODUCE_OPTIONS } from '../reproduce-options.ts';
import { runInvocation, taintedFindings } from '../run-invocation.ts';
import type { Command, CommandIo } from './command.ts';

export const reproduceCommand: Command = {
  name: 'reproduce',
  summary: 'run the scenarios side by side against a real PostgreSQL and report their violation rates',
  help: () =>
    [
      'usage: racelab reproduce [options]',
      '',
      ...Object.entries(REPRODUCE_OPTIONS).map(([name, o]) => `  --${name.padEnd(13)} ${o.help} (default ${o.default})`),
      '  --allow-remote  allow a server that is not on this machine',
    ].join('\n'),

  async run(args, io) {
    const options = parseReproduceOptions(args);
    await checkOutDir(options.out);
    const { input, reportDir } = await runInvocation('reproduce', options, io);
    io.stdout(renderTerminal(input, `${reportDir}/report.json (and report.md, junit.xml, report.html)`));
    return exitCode(input, io);
  },
};

/** Interrupted beats a harness failure, which beats a verdict: a verdict is only as good as its run. */
export function exitCode(input: ReportInput, io: CommandIo): number {
  if (input.interrupted || io.signal.aborted) return EXIT.interrupted;
  if (input.failure) {
    io.error(`racelab: ${input.failure}`);
    return EXIT.infrastructure;
  }
  const tainted = taintedFindings(input);
  if (tainted.length > 0) {
    io.error(`harness failure in ${[...new Set(tainted.map((f) => f.scenario.name))].join(', ')}: no verdict can be trusted (see above)`);
    return EXIT.infrastructure;
  }
  const mismatched = allFindings(input).filter(({ finding }) => !finding.matchesExpectation);
  for (const { finding } of mismatched) io.error(mismatchMessage(finding, input));
  return mismatched.length > 0 ? EXIT.mismatch : EXIT.ok;
}

/** One line that says which way the verdict missed, and what to do about it. */
function mismatchMessage(finding: Finding, input: ReportInput): string {
  const name = finding.scenario.name;
  if (finding.scenario.expect === 'safe') {
    return `${name} is expected safe but reproduced (${percent(finding.rate.value)} of ${count(finding.ops)} ops): see its first violation above`;
  }
  if (input.config.keys === 'django') {
    const bound = input.points[0]?.expectation.racingDrawsBound ?? 0;
    return `${name} is expected unsafe but held: with the real key space chance alone predicts ≈${magnitude(bound)} same-key draws in this run; use --keys shrunk or --keys same-seed to see the race`;
  }
  return `${name} is expected unsafe but held in ${count(finding.ops)} ops: the run has lost its power to show the race; raise --ops or shrink --key-space`;
}
