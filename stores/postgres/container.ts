/**
 * PostgreSQL in a container, through testcontainers, for machines with a container runtime.
 * Loaded only when chosen: testcontainers is heavy to import and absent from some installs.
 */
import type { StartedInstance } from './database.ts';

/** The image: a current major, small. */
export const CONTAINER_IMAGE = 'postgres:17-alpine';

export async function startContainer(): Promise<StartedInstance> {
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const container = await new PostgreSqlContainer(CONTAINER_IMAGE)
    // A throwaway server: data in memory, no durability, as for the embedded cluster.
    .withTmpFs({ '/var/lib/postgresql/data': 'rw' })
    .withCommand(['postgres', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'])
    .start();
  let stopped = false;
  return {
    url: container.getConnectionUri(),
    async stop() {
      if (stopped) return;
      stopped = true;
      // stop() removes the container and its anonymous volumes too.
      await container.stop();
    },
  };
}
