import type { Finding } from '../../harness/finding.ts';
import { allFindings, type ReportInput } from '../../harness/report-input.ts';
import { count, magnitude, percent } from '../../reports/format.ts';
import { renderTerminal } from '../../reports/terminal.ts';
import { renderMarkdown } from '../../reports/markdown.ts';
import { renderTrac } from '../../reports/trac.ts';
import { OPEN_MORE_WINDOWS } from '../../reports/windows-words.ts';
import { choiceOption } from '../option-rules.ts';

/** What `--format` can print on stdout; every one of them is also written to the run's directory. */
const FORMATS = ['terminal', 'markdown', 'trac'] as const;
import { EXIT } from '../exit-codes.ts';
import { checkOutDir } from '../out-dir.ts';
import { parseReproduceOptions, REPRODUCE_OPTIONS } from '../reproduce-options.ts';
import { runInvocation, taintedFindings } from '../run-invocation.ts';
import { sizeHeapsForMemory } from '../heap-sizing.ts';
import type { Command, CommandIo } from './command.ts';

export const reproduceCommand: Command = {
  help: () =>
    [
      'usage: racelab reproduce [options]',
      '',
      ...Object.entries(REPRODUCE_OPTIONS).map(([name, o]) => `  --${name.padEnd(13)} ${o.help} (default ${o.default})`),
      `  --format      what stdout gets: ${FORMATS.join(' | ')} (Trac wiki syntax, for Django's tracker) (default terminal)`,
      '  --history       also write every op as JSON Lines in Jepsen\'s history shape (history-<scenario>.jsonl)',
      '  --allow-remote  allow a server that is not on this machine',
    ].join('\n'),

  async run(args, io) {
    const options = parseReproduceOptions(args, 'reproduce', {}, ['format']);
    const format = choiceOption('format', options.extra['format'] ?? 'terminal', FORMATS);
    await checkOutDir(options.out);
    sizeHeapsForMemory();
    const { input, reportDir } = await runInvocation('reproduce', options, io, { commandLine: ['reproduce', ...args] });
    if (format === 'markdown') io.stdout(renderMarkdown(input));
    else if (format === 'trac') io.stdout(renderTrac(input));
    else io.stdout(renderTerminal(input, `${reportDir}/report.json (and report.md, report.trac.txt, junit.xml, report.html${options.history ? ', history-*.jsonl' : ''})`, io.columns));
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
    io.error(`harness failure in ${[...new Set(tainted.map(({ finding }) => finding.scenario.name))].join(', ')}: no verdict can be trusted (see above)`);
    return EXIT.infrastructure;
  }
  const mismatched = allFindings(input).filter(({ finding }) => !finding.matchesExpectation);
  for (const { finding, point } of mismatched) io.error(`${mismatchMessage(finding, input)}${point.database ? ` (on ${point.database.label})` : ''}`);
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
  return `${name} is expected unsafe but held in ${count(finding.ops)} ops, ${count(finding.windows)} race windows: the run has lost its power to show the race; ${OPEN_MORE_WINDOWS}, and racelab explore searches the interleavings`;
}
