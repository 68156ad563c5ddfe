/**
 * Throughput through racelab's PostgreSQL proxy against direct connections, on the built-in
 * catalogue, in the same run: each scenario is run by `racelab reproduce` once with its URL
 * pointing at the server and once at a proxy in this process forwarding to the same server,
 * interleaved round by round (which goes first alternates), and the ratio of statements per
 * second printed with its spread. The proxy only observes here (no hook holds a statement): the
 * cost measured is its relay and its reading of the stream.
 *
 *   npm run bench:proxy                                  (embedded PostgreSQL)
 *   DATABASE_URL=postgres://… npm run bench:proxy
 *   npm run bench:proxy -- --rounds 5 --seconds 3 --clients 4
 */
import { BUILT_IN_SCENARIOS } from '../scenarios/index.ts';
import { connectDatabase } from '../stores/postgres/database.ts';
import { startEmbedded } from '../stores/postgres/embedded.ts';
import { startPostgresProxy } from '../stores/postgres/proxy/proxy.ts';
import { wholeArgument } from './arguments.ts';
import { reproduce } from './racelab-runs.ts';
import { median, spread, type Spread } from './stats.ts';

const ROUNDS = wholeArgument('--rounds', 3);
const SECONDS = wholeArgument('--seconds', 3);
const CLIENTS = wholeArgument('--clients', 4);
const KEY_SPACE = 4096;

const external = process.env['DATABASE_URL'];
const instance = external ? undefined : await startEmbedded();
const url = external ?? instance!.url;
const database = await connectDatabase(external ? 'server' : 'embedded', url, instance);
const server = new URL(url);
let statementsSeen = 0;
const proxy = await startPostgresProxy({
  server: { host: server.hostname, port: Number(server.port || 5432) },
  hooks: { afterStatement: () => void statementsSeen++ },
});
const fixed = (value: number, digits = 0) => value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const show = (s: Spread, digits = 0) => `${fixed(s.median, digits)} [${fixed(s.min, digits)}–${fixed(s.max, digits)}]`;
try {
  const viaProxy = new URL(url);
  viaProxy.hostname = proxy.host;
  viaProxy.port = String(proxy.port);
  console.log(`PostgreSQL ${database.version} (${external ? 'DATABASE_URL' : 'embedded'}); racelab reproduce, ${CLIENTS} clients, ${SECONDS} s runs, K=${fixed(KEY_SPACE)}, direct and through the proxy interleaved × ${ROUNDS}`);
  console.log('scenario             direct stmt/s             proxy stmt/s              proxy/direct');
  for (const scenario of Object.keys(BUILT_IN_SCENARIOS)) {
    const direct: number[] = [];
    const proxied: number[] = [];
    const ratios: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const once = async (to: string) => {
        const run = await reproduce(['--db', to, '--scenario', scenario, '--clients', String(CLIENTS), '--duration', `${SECONDS}s`, '--key-space', String(KEY_SPACE), '--seed', String(round + 1)]);
        return run.scenarios[0]!.statementsPerSecond;
      };
      const seenBefore = statementsSeen;
      const order = round % 2 === 0 ? [url, viaProxy.toString()] : [viaProxy.toString(), url];
      const figures = new Map<string, number>();
      for (const to of order) figures.set(to, await once(to));
      // The proxied run's statements went through the proxy: a run that bypassed it would measure nothing.
      if (statementsSeen === seenBefore) throw new Error(`${scenario}: the proxied run sent no statement through the proxy`);
      direct.push(figures.get(url)!);
      proxied.push(figures.get(viaProxy.toString())!);
      ratios.push(proxied.at(-1)! / direct.at(-1)!);
    }
    console.log(`${scenario.padEnd(20)} ${show(spread(direct)).padEnd(25)} ${show(spread(proxied)).padEnd(25)} ${fixed(median(ratios), 2)} [${fixed(Math.min(...ratios), 2)}–${fixed(Math.max(...ratios), 2)}]`);
  }
} finally {
  await proxy.close();
  await database.stop();
}
