/**
 * A command scenario's run: its program's setup once, then one process per client, each connected
 * to the run's namespace through a proxy of its own (`Database.wireProxy`), so that every statement
 * a process sends is its lane's, whatever its driver or language. Their first statements wait at a
 * start barrier, so that they begin together. What the processes print and send becomes one
 * WorkerReport each (command-lane.ts); docs/commands.md is the protocol.
 *
 * Every process runs in a process group of its own, which racelab ends (TERM, then KILL) when the
 * run is interrupted, when a process reports no op for `--op-timeout`, at the end of `--duration`,
 * when the process itself exits (what it left running), and if racelab exits first; a guardian
 * process ends them if racelab is killed (process-guardian.ts).
 */
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScenarioRun } from '../scenario-run.ts';
import type { RunConfig } from '../contract/run-config.ts';
import type { CommandSpec } from '../contract/scenario.ts';
import type { StoreTarget } from '../contract/store.ts';
import type { WireObserver, WireProxy } from '../contract/wire.ts';
import { ScenarioSetupError } from '../scenario-hooks.ts';
import { CommandLane } from './command-lane.ts';
import { countRaceWindows } from './key-spans.ts';
import { parseOpLine } from './op-line.ts';
import { exitWords, lastLine, ProcessGroup, runToEnd } from './process-group.ts';
import { startProcessGuardian } from './process-guardian.ts';

/** Lines of a process's stderr kept to say why it failed. */
const STDERR_LINES = 20;

export interface CommandRunRequest {
  name: string;
  command: CommandSpec;
  /** The scenario file's URL: a relative `cwd` is taken from its directory. */
  scenarioModule: string;
  target: StoreTarget;
  config: RunConfig;
  wireProxy(target: StoreTarget, observer: WireObserver): Promise<WireProxy>;
  signal?: AbortSignal;
}

/**
 * Runs the program's setup, then starts the processes. Throws ScenarioSetupError when the setup
 * fails. Interrupted (`signal`) before or during the setup, it starts no process: the run has no op.
 */
export async function startCommandRun(request: CommandRunRequest): Promise<ScenarioRun> {
  const { command, config, target, signal } = request;
  const cwd = resolve(request.scenarioModule.startsWith('file:') ? dirname(fileURLToPath(request.scenarioModule)) : process.cwd(), command.cwd ?? '.');
  const environment = (url: string, worker: number): NodeJS.ProcessEnv => ({
    ...process.env,
    RACELAB_DATABASE_URL: url,
    RACELAB_SCHEMA: target.database.namespace,
    RACELAB_WORKER: String(worker),
    RACELAB_OPS: String(config.opsPerWorker),
    RACELAB_SEED: String(config.seed),
    RACELAB_KEYS: config.keys,
    // A number of keys only where it is one a program can draw from: the shrunk key space.
    ...(config.keys === 'shrunk' && { RACELAB_KEY_SPACE: String(config.keySpace) }),
    RACELAB_ISOLATION: config.isolation,
  });
  const lanes = Array.from({ length: config.workers }, (_, worker) => new CommandLane(worker));
  const noRun: ScenarioRun = { progress: () => ({ ops: 0, violations: 0 }), done: Promise.resolve({ reports: lanes.map((lane) => lane.report()), windows: 0 }) };

  if (signal?.aborted) return noRun;
  if (command.setup) {
    const setup = await runToEnd(command.setup, cwd, environment(target.database.url, 0), signal);
    // A setup ended by Ctrl-C was interrupted, not wrong.
    if (signal?.aborted) return noRun;
    if (setup.code !== 0) {
      throw new ScenarioSetupError(`${request.name}: setup command ${command.setup.join(' ')} ${exitWords(setup)}${lastLine(setup.stderr)}`);
    }
  }

  // The start barrier, on the wire: each process's first statement is held until every process has
  // sent its first or ended, so that all begin their ops together whatever their start-up took (a
  // Python process importing Django takes longer than its ops), as worker threads do.
  const arrived = new Set<number>();
  const startedAll = () => arrived.size === lanes.length;
  let releaseStart!: () => void;
  const started = new Promise<void>((resolve) => (releaseStart = resolve));
  let stopping: 'interrupted' | 'duration' | undefined;
  const groups: ProcessGroup[] = [];
  const stopAll = () => {
    for (const group of groups) group.stop();
  };
  let deadline: NodeJS.Timeout | undefined;
  const arrive = (worker: number) => {
    arrived.add(worker);
    if (!startedAll()) return;
    for (const lane of lanes) lane.released();
    releaseStart();
    // --duration counts from here, as it does from the start barrier for worker threads.
    if (config.durationMs !== undefined) {
      deadline = setTimeout(() => {
        stopping ??= 'duration';
        stopAll();
      }, config.durationMs);
    }
  };
  // racelab leaving first (an uncaught error, process.exit) must not leave a process running.
  const onExit = () => {
    for (const group of groups) group.kill();
  };
  process.on('exit', onExit);

  const proxies: WireProxy[] = [];
  try {
    for (const [worker, lane] of lanes.entries()) {
      proxies.push(
        await request.wireProxy(target, {
          beforeStatement: async () => {
            if (!arrived.has(worker)) {
              arrive(worker);
              await started;
            }
            // An op's line is printed before the next op's first statement is sent: two turns of
            // the event loop (one with a poll between) read a line already in the pipe before that
            // statement counts as begun.
            await new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));
            lane.statementBegun();
          },
          statement: (statement) => lane.statement(statement),
        }),
      );
    }
  } catch (error) {
    process.off('exit', onExit);
    await Promise.all(proxies.map((proxy) => proxy.close().catch(() => undefined)));
    throw error;
  }

  // A racelab that is killed runs no cleanup of its own: the guardian ends the processes then.
  const guardian = startProcessGuardian();
  const exits = lanes.map((lane, worker) => {
    const child = spawn(command.run[0]!, command.run.slice(1), { cwd, env: environment(proxies[worker]!.url, worker + 1), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    if (child.pid !== undefined) guardian.watch(child.pid);
    const group = new ProcessGroup(child);
    groups.push(group);
    const stderr: string[] = [];
    /** Since its last op line (or its start, or the start barrier's release): --op-timeout bounds it. */
    let quietSince = Date.now();
    let pending = '';
    /** Lines of its stdout that were no op line: what a program that reported no op printed instead. */
    let otherLines = 0;
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      let end: number;
      while ((end = pending.indexOf('\n')) >= 0) {
        const line = parseOpLine(pending.slice(0, end));
        pending = pending.slice(end + 1);
        if (line === undefined) {
          otherLines++;
          continue;
        }
        quietSince = Date.now();
        lane.opLine(line);
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr.push(...chunk.split('\n').filter((line) => line.trim() !== ''));
      stderr.splice(0, Math.max(0, stderr.length - STDERR_LINES));
    });
    const watchdog = setInterval(() => {
      // Waiting at the start barrier for a slower process is no silence of its own; that process's is.
      if (arrived.has(worker) && !startedAll()) {
        quietSince = Date.now();
        return;
      }
      if (Date.now() - quietSince <= config.opTimeoutMs) return;
      lane.failed({ phase: 'op', cause: 'terminated', op: lane.linesRead + 1, error: { message: `${command.run[0]} (client ${worker + 1}) reported no op for ${config.opTimeoutMs} ms (--op-timeout): stopped` } });
      group.stop();
    }, Math.min(1_000, config.opTimeoutMs));
    // What the process left running when it exits (a background job holding its pipes) ends with it.
    child.on('exit', () => group.stop());
    return new Promise<void>((done) => {
      const ended = (code: number | null, exitSignal: NodeJS.Signals | null) => {
        clearInterval(watchdog);
        // A process that ended before its first statement no longer holds the others at the start.
        if (!arrived.has(worker)) arrive(worker);
        const short = config.durationMs === undefined && lane.linesRead < config.opsPerWorker;
        if (stopping === undefined && (code !== 0 || short)) {
          const why = code === 0 ? `exited after ${lane.linesRead} of its ${config.opsPerWorker} ops` : `${exitWords({ code, signal: exitSignal })} after ${lane.linesRead} ops`;
          // A program that printed plenty but no op line most likely prints them in another shape.
          const printed = lane.linesRead === 0 && otherLines > 0 ? `; it printed ${otherLines} other line${otherLines === 1 ? '' : 's'} on stdout, none an op line ({"outcome": "ok"}, docs/commands.md)` : '';
          lane.failed({ phase: 'op', cause: 'error', op: lane.linesRead + 1, error: { message: `${command.run[0]} (client ${worker + 1}) ${why}${printed}${lastLine(stderr.join('\n'))}` } });
        }
        done();
      };
      child.on('error', (error) => {
        const hint = (error as NodeJS.ErrnoException).code === 'ENOENT' ? ` (no such program in ${cwd} or on PATH)` : '';
        lane.failed({ phase: 'load', cause: 'error', error: { message: `${command.run[0]} could not start: ${error.message}${hint}` } });
        ended(null, null);
      });
      child.on('close', ended);
    });
  });

  const interrupt = () => {
    stopping ??= 'interrupted';
    stopAll();
  };
  signal?.addEventListener('abort', interrupt, { once: true });
  // Interrupted while the proxies opened: the processes just started stop at once.
  if (signal?.aborted) interrupt();

  const done = Promise.all(exits).then(async () => {
    guardian.done();
    clearTimeout(deadline);
    signal?.removeEventListener('abort', interrupt);
    process.off('exit', onExit);
    await Promise.all(proxies.map((proxy) => proxy.close()));
    return { reports: lanes.map((lane) => lane.report()), windows: countRaceWindows(lanes.flatMap((lane) => lane.spans)) };
  });
  return {
    progress: () => ({ ops: lanes.reduce((sum, lane) => sum + lane.ops, 0), violations: lanes.reduce((sum, lane) => sum + lane.violations, 0) }),
    done,
  };
}
