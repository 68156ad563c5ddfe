/**
 * How fast racelab starts, as a user meets it: `racelab --help` and `racelab list` from the
 * compiled package (the issue asks for at most 150 ms), and `racelab reproduce` on an embedded
 * PostgreSQL until its first op runs (at most 1.5 s). Each is the median of several runs, beside a
 * reference measured in the same run: `node -e 0`, the floor any Node command pays.
 *
 *   npm run bench:startup [-- RUNS]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandTimes, RACELAB_BIN } from './racelab-runs.ts';
import { median } from './stats.ts';

const runs = Number(process.argv[2] ?? 7);
const bin = RACELAB_BIN;
const work = mkdtempSync(join(tmpdir(), 'racelab-startup-'));

// A scenario whose first op writes the wall-clock time, so the delay from the command to it can be read.
const marker = join(work, 'first-op');
const scenario = join(work, 'first-op.race.mjs');
writeFileSync(
  scenario,
  `import { writeFileSync, existsSync } from 'node:fs';
   import { defineScenario } from ${JSON.stringify(new URL('../dist/api/index.js', import.meta.url).href)};
   export default defineScenario({ name: 'first-op', expect: 'safe', why: 'bench', async op(ctx) {
     if (!existsSync(${JSON.stringify(marker)})) writeFileSync(${JSON.stringify(marker)}, String(Date.now()));
     await ctx.db.query('SELECT 1');
   } });`,
);

function firstOp(): number[] {
  return Array.from({ length: Math.min(runs, 5) }, () => {
    rmSync(marker, { force: true });
    const started = Date.now();
    const result = spawnSync(process.execPath, [bin, 'reproduce', '--db', 'embedded', '--scenario', scenario, '--workers', '2', '--ops', '1', '--out', join(work, 'out')], { stdio: 'ignore' });
    if (result.status !== 0) throw new Error(`reproduce exited ${result.status}`);
    return Number(readFileSync(marker, 'utf8')) - started;
  });
}

try {
  const floor = median(commandTimes(['-e', '0'], runs));
  const rows: [string, number, number][] = [
    ['racelab --help', median(commandTimes([bin, '--help'], runs)), 150],
    ['racelab list', median(commandTimes([bin, 'list'], runs)), 150],
    ['racelab reproduce --db embedded: command to first op', median(firstOp()), 1_500],
  ];
  console.log(`node -e 0 (the floor of any Node command): ${floor.toFixed(0)} ms, median of ${runs}`);
  for (const [what, ms, target] of rows) {
    console.log(`${what}: ${ms.toFixed(0)} ms median (${(ms / floor).toFixed(1)}× node -e 0; target ≤ ${target} ms)`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
