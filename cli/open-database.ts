import type { Database } from '../harness/types.ts';
import { openDatabase, planDatabase, type DatabaseChoice, type DatabasePlan } from '../stores/postgres/provision.ts';
import { InfrastructureError } from './cli-errors.ts';
import type { CommandIo } from './commands/command.ts';

/** Plans and opens the database of a command; any failure is infrastructure (exit 3). */
export async function openCommandDatabase(choice: DatabaseChoice, io: CommandIo): Promise<{ plan: DatabasePlan; database: Database }> {
  try {
    const plan = await planDatabase(choice);
    io.progress(`database: ${plan.kind} (${plan.reason})`);
    return { plan, database: await openDatabase(plan) };
  } catch (error) {
    throw new InfrastructureError(`database: ${(error as Error).message}`);
  }
}
