import type { TestProject } from 'vitest/node';
import { startEmbedded } from '../stores/postgres/embedded.ts';
import type { StartedInstance } from '../stores/postgres/database.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A real PostgreSQL started from the npm binaries for this test run. */
    embeddedUrl: string;
  }
}

let instance: StartedInstance | undefined;

export async function setup(project: TestProject): Promise<void> {
  instance = await startEmbedded();
  project.provide('embeddedUrl', instance.url);
}

export async function teardown(): Promise<void> {
  await instance?.stop();
}
