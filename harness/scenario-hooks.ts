import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AuditProblem, Scenario } from './contract/scenario.ts';
import type { Database, QueryClient, StoreTarget } from './contract/store.ts';

/** A scenario's own hooks, run on the main thread around the workers. */

/** Thrown when a scenario's setup fails: the scenario, not racelab or the database, is at fault. */
export class ScenarioSetupError extends Error {
  override name = 'ScenarioSetupError';
}

/** Runs a scenario's setup in the run's fresh schema, before any worker starts. */
export async function runSetup(database: Database, target: StoreTarget, scenario: Scenario, moduleUrl: string): Promise<void> {
  if (!scenario.setup) return;
  const client = await database.runClient(target);
  try {
    await scenario.setup(client, target.database);
  } catch (error) {
    throw new ScenarioSetupError(`${displayPath(moduleUrl)}: ${scenario.name}: setup failed: ${firstLine((error as Error).message ?? String(error))}`);
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** Runs a scenario's audit hook once the workers are done, on a connection of its own, and returns what it found. */
export async function runAudit(database: Database, target: StoreTarget, scenario: Scenario): Promise<AuditProblem[]> {
  if (!scenario.audit) return [];
  const client = await database.runClient(target);
  try {
    return await auditOn(client, target, scenario);
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** Runs a scenario's audit hook on `client`, a connection the caller keeps (explore's, from run to run). */
export async function auditOn(client: QueryClient, target: StoreTarget, scenario: Scenario): Promise<AuditProblem[]> {
  if (!scenario.audit) return [];
  const problems = await scenario.audit(client, target.database);
  if (!Array.isArray(problems)) throw new TypeError('audit must return an array of problems ({ message, key? })');
  return problems;
}

function firstLine(text: string): string {
  return text.split('\n')[0]!;
}

/** A module's path as a user would type it: relative to the working directory when inside it. */
function displayPath(moduleUrl: string): string {
  if (!moduleUrl.startsWith('file:')) return moduleUrl;
  const path = relative(process.cwd(), fileURLToPath(moduleUrl));
  return path.startsWith('..') ? fileURLToPath(moduleUrl) : `./${path}`;
}
