import type { Database } from '../harness/contract/store.ts';
import { ChoiceError, openDatabase, planDatabase, type DatabaseChoice, type DatabasePlan } from '../stores/registry.ts';
import { isLocalServer } from '../stores/shared/local-server.ts';
import { cleanLocalServers } from '../stores/shared/orphan-servers.ts';
import { redactUrl } from '../stores/shared/redact-url.ts';
import { InfrastructureError, UsageError } from './errors.ts';
import type { RunIo } from './run-io.ts';

/**
 * Plans and opens the database of a run. A server off this machine is refused without
 * `--allow-remote` (exit 2); any other failure is infrastructure (exit 3).
 */
export async function openRunDatabase(choice: DatabaseChoice, io: RunIo, allowRemote = false): Promise<{ plan: DatabasePlan; database: Database }> {
  const plan = await planRunDatabase(choice, allowRemote);
  return { plan, database: await openPlannedDatabase(plan, io) };
}

/** Decides where a choice runs, starting nothing; refuses what the user must change (exit 2). */
export async function planRunDatabase(choice: DatabaseChoice, allowRemote = false, label: (name: 'db' | 'allow-remote') => string = (name) => `--${name}`): Promise<DatabasePlan> {
  let plan: DatabasePlan;
  try {
    plan = await planDatabase(choice);
  } catch (error) {
    if (error instanceof ChoiceError) throw new UsageError(error.message);
    throw new InfrastructureError(`database: ${(error as Error).message}`);
  }
  if (plan.url !== undefined && !allowRemote && !(await isLocalServer(plan.url))) {
    throw new UsageError(
      `${plan.fromEnv ? 'DATABASE_URL' : label('db')} ${redactUrl(plan.url)} is not on this machine, and racelab would send it thousands of failing inserts; pass ${label('allow-remote')} if that is what you want`,
    );
  }
  return plan;
}

/**
 * Starts or reaches a planned database; a failure is infrastructure (exit 3), but for a start
 * refused before it made anything, for what the user must change (exit 2).
 */
export async function openPlannedDatabase(plan: DatabasePlan, io: RunIo): Promise<Database> {
  // What killed runs left in the temp directory goes first; a live run's cluster is never touched.
  for (const line of cleanLocalServers(false)) io.progress(line);
  try {
    io.progress(`database: ${plan.kind} (${plan.reason})`);
    return await openDatabase(plan, io.signal, io.progress);
  } catch (error) {
    if (error instanceof ChoiceError) throw new UsageError(error.message);
    throw new InfrastructureError(`database: ${(error as Error).message}`);
  }
}
