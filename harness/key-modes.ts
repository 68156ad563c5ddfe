import { deriveSeed, seededRandom, seededRandom128, type Random } from './random.ts';
import { KEY_CHARS, KEY_LENGTH, keyDrawer } from './session-keys.ts';
import type { RunConfig } from './contract/run-config.ts';

/** How session keys are drawn: see `KeyMode` in contract/run-config.ts. */

/** 36^32: the number of distinct Django session keys. */
export const DJANGO_KEY_SPACE = KEY_CHARS.length ** KEY_LENGTH;

/** The key generator of one worker. Seeded from `--seed`, so a run's draws replay. */
export function keyDrawerFor(config: Pick<RunConfig, 'keys' | 'keySpace' | 'seed'>, worker: number): () => string {
  switch (config.keys) {
    case 'shrunk':
      return keyDrawer(config.keySpace, seededRandom(deriveSeed(config.seed, worker)));
    case 'django':
      return randomKeys(seededRandom128(deriveSeed(config.seed, worker)));
    case 'same-seed':
      return randomKeys(seededRandom128(deriveSeed(config.seed, 0)));
  }
}

/** `get_random_string(32, VALID_KEY_CHARS)`: each character drawn uniformly. */
function randomKeys(random: Random): () => string {
  return () => {
    let key = '';
    for (let i = 0; i < KEY_LENGTH; i++) key += KEY_CHARS[Math.floor(random() * KEY_CHARS.length)];
    return key;
  };
}
