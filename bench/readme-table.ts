/**
 * The table of speed and memory in docs/speed.md, rendered from bench/results.json (what `npm run bench`
 * wrote last), so the page shows measured figures and says where they came from.
 *
 *   node --import tsx bench/readme-table.ts
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Spread } from './stats.ts';

interface Results {
  date: string;
  machine: { cpu: string; cores: number; memoryGiB: number; node: string; postgres: string; pgbench: string };
  throughput: { shape: string; clients: number; threads: number; racelab: Spread; pgbench: Spread; ratio: Spread; nodePostgresAlone?: { ratio: Spread; racelabRatio?: Spread } }[];
  firstIntegrityError: { runs: { cache: string; keySpace: number; runs: number; withoutError: number; ms: Spread }[]; globalSetup: { warm: Spread; cold: Spread } };
  explore: { msPerSchedule: Spread; schedules: number };
  amplify: { scenario: string; runs: number; natural: Spread; amplified: Spread; ratio: number }[];
  peakRss: { runs: { ops: number; threads: number; peakRssMB: number }[]; ratio: number };
  start: { helpMs: number; nodeMs: number };
  goals: { goal: string; value: number; met: boolean }[];
}

const n = (value: number, digits = 0) => value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const range = (s: Spread, digits = 0) => `${n(s.median, digits)} (${n(s.min, digits)}–${n(s.max, digits)})`;

export function readmeTable(results: Results): string {
  const { machine } = results;
  const lines = [
    `Measured by \`npm run bench\` on ${results.date.slice(0, 10)}: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, PostgreSQL ${machine.postgres}, against ${machine.pgbench}.`,
    `Medians of ${n(results.throughput[0]?.racelab.n ?? 0)} interleaved runs each, with their range.`,
    '',
    '| shape | clients | threads | racelab statements/s | pgbench statements/s | racelab ÷ pgbench | racelab ÷ node-postgres alone | node-postgres alone ÷ pgbench |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.throughput.map(
      (row) =>
        `| ${row.shape} | ${row.clients} | ${row.threads} | ${range(row.racelab)} | ${range(row.pgbench)} | ${range(row.ratio, 2)} | ${row.nodePostgresAlone?.racelabRatio ? range(row.nodePostgresAlone.racelabRatio, 2) : '—'} | ${row.nodePostgresAlone ? range(row.nodePostgresAlone.ratio, 2) : '—'} |`,
    ),
    '',
    '| also measured | figure |',
    '| --- | --- |',
    ...results.firstIntegrityError.runs.map(
      (row) =>
        `| command to naive-save's first IntegrityError, K=${n(row.keySpace)}, embedded start included, ${row.cache} cache | ${n(row.ms.median)} ms median of ${row.runs - row.withoutError} (${n(row.ms.min)}–${n(row.ms.max)})${row.withoutError ? `, ${row.withoutError} runs without one` : ''} |`,
    ),
    `| racelab/vitest global setup (import and embedded start), warm cache | ${range(results.firstIntegrityError.globalSetup.warm)} ms |`,
    `| racelab/vitest global setup, cold cache (initdb, template kept) | ${range(results.firstIntegrityError.globalSetup.cold)} ms |`,
    `| explore, one schedule (atomic-create, generated inputs) | ${n(results.explore.msPerSchedule.median, 1)} ms median of ${results.explore.schedules} |`,
    ...results.amplify.map(
      (row) =>
        `| violations per 1,000 ops, ${row.scenario}, K=4,096, 4 × 2,000 ops: natural → --amplify | ${range(row.natural, 2)} → ${range(row.amplified, 1)}, median of ${row.runs} each (${Number.isFinite(row.ratio) ? `${n(row.ratio)}×` : 'no natural violation'}) |`,
    ),
    ...results.peakRss.runs.map((run) => `| peak RSS, naive-save, ${n(run.ops)} ops, 4 clients on ${run.threads} threads | ${n(run.peakRssMB)} MB |`),
    `| peak RSS at ${n(results.peakRss.runs[1]!.ops)} ops ÷ at ${n(results.peakRss.runs[0]!.ops)} | ${n(results.peakRss.ratio, 2)}× |`,
    `| \`racelab --help\` | ${n(results.start.helpMs)} ms (\`node -e 0\`: ${n(results.start.nodeMs)} ms) |`,
  ];
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(readmeTable(JSON.parse(readFileSync(new URL('./results.json', import.meta.url), 'utf8'))));
}
