import type { Database } from '../harness/types.ts';
import type { DatabaseChoice } from '../stores/choice.ts';
import { openDatabase, planDatabase, type DatabasePlan } from '../stores/provision.ts';
import { isLocalServer } from '../stores/shared/local-server.ts';
import { namedFileProblem } from '../stores/sqlite/named-file.ts';
import { redactUrl } from '../stores/shared/redact-url.ts';
import { InfrastructureError, UsageError } from './cli-errors.ts';
import { cleanLocalServers } from './commands/clean.ts';
import type { CommandIo } from './commands/command.ts';

/**
 * Plans and opens the database of a command. A server off this machine is refused without
 * `--allow-remote` (exit 2); any other failure is infrastructure (exit 3).
 */
export async function openCommandDatabase(
  choice: DatabaseChoice,
  io: CommandIo,
  allowRemote = false,
): Promise<{ plan: DatabasePlan; database: Database }> {
  const plan = await planCommandDatabase(choice, allowRemote);
  return { plan, database: await openPlannedDatabase(plan, io) };
}

/** Decides where a choice runs, starting nothing; refuses what the user must change (exit 2). */
export async function planCommandDatabase(choice: DatabaseChoice, allowRemote = false): Promise<DatabasePlan> {
  let plan: DatabasePlan;
  try {
    plan = await planDatabase(choice);
  } catch (error) {
    throw new InfrastructureError(`database: ${(error as Error).message}`);
  }
  if (plan.kind === 'server' && !allowRemote && !(await isLocalServer(plan.url))) {
    throw new UsageError(
      `${plan.reason.startsWith('DATABASE_URL') ? 'DATABASE_URL' : '--db'} ${redactUrl(plan.url)} is not on this machine, and racelab would send it thousands of failing inserts; pass --allow-remote if that is what you want`,
    );
  }
  if (plan.kind === 'sqlite' && plan.file !== undefined) {
    const problem = namedFileProblem(plan.file);
    if (problem !== undefined) throw new UsageError(`--db sqlite:PATH: ${problem}`);
  }
  return plan;
}

/** Starts or reaches a planned database; a failure is infrastructure (exit 3). */
export async function openPlannedDatabase(plan: DatabasePlan, io: CommandIo): Promise<Database> {
  // What killed runs left in the temp directory goes first; a live run's cluster is never touched.
  for (const line of cleanLocalServers(false)) io.progress(line);
  try {
    io.progress(`database: ${plan.kind} (${plan.reason})`);
    return await openDatabase(plan, io.signal, io.progress);
  } catch (error) {
    throw new InfrastructureError(`database: ${(error as Error).message}`);
  }
}
