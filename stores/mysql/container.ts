/**
 * MariaDB or MySQL in a container, through testcontainers, for machines with a container runtime.
 * Loaded only when chosen: testcontainers is heavy to import and absent from most installs.
 */
import type { StartedInstance } from './database.ts';

/** The images: current releases, as Django's and Rails' CI use them. */
export const CONTAINER_IMAGES = { mariadb: 'mariadb:11.4', mysql: 'mysql:8.4' } as const;

/** The optional peer packages that start them. */
export const CONTAINER_PACKAGES = { mariadb: '@testcontainers/mariadb', mysql: '@testcontainers/mysql' } as const;

export async function startMysqlContainer(product: keyof typeof CONTAINER_IMAGES): Promise<StartedInstance> {
  // Both modules name their class by the product; racelab connects as root, which creates the
  // run's database as on any server. The packages are optional peers, typed here by what is used.
  type Module = Record<string, new (image: string) => { withRootPassword(password: string): { start(): Promise<Started> } }>;
  type Started = { getHost(): string; getPort(): number; stop(): Promise<unknown> };
  const module = (await import(CONTAINER_PACKAGES[product])) as Module;
  const Container = module[product === 'mariadb' ? 'MariaDbContainer' : 'MySqlContainer']!;
  const started = await new Container(CONTAINER_IMAGES[product]).withRootPassword('racelab').start();
  let stopped = false;
  return {
    url: `mysql://root:racelab@${started.getHost()}:${started.getPort()}/mysql`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await started.stop();
    },
  };
}
