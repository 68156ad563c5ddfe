import type { PlanContext } from '../descriptor.ts';

/**
 * Checks, for `--db docker…`, that a container runtime answers and that the testcontainers module
 * of the product is installed (an optional peer of racelab: it brings a third of a typical install
 * and a native module compiled on install, which nobody without a container runtime needs).
 * Returns the reason to show; throws, naming what to start or install, and the word to use instead.
 */
/**
 * Starts a container, or fails with one line: the image, the first line of testcontainers' words,
 * and what to use instead.
 */
export async function startedContainer<T>(image: string, instead: string, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    const first = String((error as Error).message ?? error).split('\n')[0];
    throw new Error(`${image} in a container (testcontainers) could not start: ${first}; use ${instead}`);
  }
}

export async function containerReason(word: string, module: string, instead: string, context: PlanContext): Promise<string> {
  const runtime = await context.probeContainers(context.env);
  if (!runtime.found) {
    throw new Error(`--db ${word}: no container runtime answered (tried ${runtime.tried.join('; ')}); start Docker or Podman, or use ${instead}`);
  }
  if (!context.installed(module)) throw new Error(`--db ${word} needs ${module}, an optional peer of racelab: npm install --save-dev ${module}@11`);
  return `--db ${word} (${runtime.endpoint})`;
}
