import { main } from '../cli/main.ts';
import type { CliResult } from './cli-process.ts';

/**
 * Runs the CLI's `main()` in this process, as `bin/racelab.js` would with these arguments, in `cwd`
 * and with `env` laid over this process's environment (DATABASE_URL removed unless given): for
 * what is decided before anything starts (options, help, listings), where a process per case
 * would test only Node's start-up again. The process boundary has its own tests (cli-process.ts).
 */
export async function runMain(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const saved = { ...process.env };
  const cwd = process.cwd();
  if (!options.env?.['DATABASE_URL']) delete process.env['DATABASE_URL'];
  Object.assign(process.env, options.env);
  if (options.cwd) process.chdir(options.cwd);
  try {
    const code = await main(args, {
      stdout: (text) => (stdout += text),
      progress: (line) => (stderr += `${line}\n`),
      error: (line) => (stderr += `${line}\n`),
      status: () => undefined,
      signal: new AbortController().signal,
      columns: Number.POSITIVE_INFINITY,
    });
    return { code, stdout, stderr };
  } finally {
    process.chdir(cwd);
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  }
}
