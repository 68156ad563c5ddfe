/**
 * Which PostgreSQL a run uses, by the rule of docs/architecture.md: a URL given (`--db
 * postgres://…` or `DATABASE_URL`) → that server; else a container runtime found, with
 * testcontainers installed → a container; else an embedded cluster in a temporary directory.
 */
import { createRequire } from 'node:module';
import type { Database } from '../../harness/types.ts';
import { connectDatabase } from './database.ts';
import { startEmbedded } from './embedded.ts';
import { probeContainerRuntime, type RuntimeProbe } from './container-runtime.ts';
import { redactUrl } from './redact-url.ts';

export type DatabaseChoice = 'auto' | 'embedded' | 'docker' | { url: string };

/** A choice made concrete, with the reason to show the user. */
export type DatabasePlan =
  | { kind: 'embedded'; reason: string }
  | { kind: 'container'; reason: string }
  | { kind: 'server'; url: string; reason: string };

/** The package that starts PostgreSQL in a container: an optional peer dependency, see hasTestcontainers. */
const TESTCONTAINERS = '@testcontainers/postgresql';

/**
 * Whether the user installed testcontainers. It is an optional peer of racelab rather than a
 * dependency: it brings a third of a typical install and a native module compiled on install
 * (cpu-features, through ssh2), which nobody without a container runtime needs.
 */
export function hasTestcontainers(): boolean {
  try {
    createRequire(import.meta.url).resolve(TESTCONTAINERS);
    return true;
  } catch {
    return false;
  }
}

/** Decides where to run without starting anything; `probe` and `installed` are injectable so the rule is testable. */
export async function planDatabase(
  choice: DatabaseChoice,
  env: NodeJS.ProcessEnv = process.env,
  probe: (env: NodeJS.ProcessEnv) => Promise<RuntimeProbe> = probeContainerRuntime,
  installed: () => boolean = hasTestcontainers,
): Promise<DatabasePlan> {
  if (typeof choice === 'object') return { kind: 'server', url: choice.url, reason: `--db ${redactUrl(choice.url)}` };
  if (choice === 'embedded') return { kind: 'embedded', reason: '--db embedded' };
  if (choice === 'docker') {
    const runtime = await probe(env);
    if (!runtime.found) {
      throw new Error(`--db docker: no container runtime answered (tried ${runtime.tried.join('; ')}); start Docker or Podman, or use --db embedded`);
    }
    if (!installed()) throw new Error(`--db docker needs ${TESTCONTAINERS}, an optional peer of racelab: npm install --save-dev ${TESTCONTAINERS}@11`);
    return { kind: 'container', reason: `--db docker (${runtime.endpoint})` };
  }
  const fromEnv = env['DATABASE_URL'];
  if (fromEnv) return { kind: 'server', url: fromEnv, reason: `DATABASE_URL=${redactUrl(fromEnv)}` };
  const runtime = await probe(env);
  if (runtime.found && installed()) return { kind: 'container', reason: `container runtime at ${runtime.endpoint}` };
  if (runtime.found) return { kind: 'embedded', reason: `container runtime at ${runtime.endpoint}, but ${TESTCONTAINERS} is not installed` };
  return { kind: 'embedded', reason: `no container runtime answered (${summarise(runtime.tried)})` };
}

/** What to do about a failed connection, by its code; the server's own words come first. */
const CONNECT_HINTS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'is a PostgreSQL server listening there? Start one, or leave --db out to use an embedded one',
  ENOTFOUND: 'the host name is unknown; check the URL',
  ETIMEDOUT: 'nothing answered; check the host, port and firewall',
  EHOSTUNREACH: 'the host cannot be reached; check the host and network',
  '28P01': 'check the user name and password in the URL',
  '28000': "check the user name in the URL, and that the server's pg_hba.conf admits it from here",
  '3D000': 'create that database first, or name one that exists',
  '53300': 'the server has no free connection slots; lower --workers or raise max_connections',
};

function hintFor(code: string | undefined): string {
  const hint = code === undefined ? undefined : CONNECT_HINTS[code];
  return hint === undefined ? '' : `; ${hint}`;
}

/**
 * The driver's own words where they are its internals rather than the server's answer: node-postgres
 * says only "SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string" when the server
 * asks for a password the URL does not give.
 */
function explain(message: string): string {
  if (/client password must be a string/.test(message)) {
    return 'the server asks for a password (SCRAM) and the URL gives none; put it in the URL (postgres://user:PASSWORD@host/db) or in PGPASSWORD';
  }
  return message;
}

/** The first endpoint tried, and how many more: the whole list is for error messages. */
function summarise(tried: readonly string[]): string {
  return tried.length > 1 ? `${tried[0]}, and ${tried.length - 1} more` : (tried[0] ?? 'nothing to try');
}

/** Starts or reaches the planned database. Whatever it started is stopped again by `Database.stop()`. */
export async function openDatabase(plan: DatabasePlan, signal?: AbortSignal): Promise<Database> {
  switch (plan.kind) {
    case 'server':
      try {
        return await connectDatabase('server', plan.url);
      } catch (error) {
        const { code, message } = error as { code?: string; message: string };
        throw new Error(`could not connect to ${redactUrl(plan.url)}: ${explain(message)}${hintFor(code)}`);
      }
    case 'embedded': {
      const instance = await startEmbedded(signal);
      return connectDatabase('embedded', instance.url, instance);
    }
    case 'container': {
      const { startContainer, CONTAINER_IMAGE } = await import('./container.ts');
      let instance;
      try {
        instance = await startContainer();
      } catch (error) {
        const first = String((error as Error).message ?? error).split('\n')[0];
        throw new Error(`PostgreSQL in a container (${CONTAINER_IMAGE}, testcontainers) could not start: ${first}; use --db embedded or --db postgres://…`);
      }
      return connectDatabase('container', instance.url, instance);
    }
  }
}
