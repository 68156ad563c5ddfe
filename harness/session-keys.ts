import { seededRandom, type Random } from './random.ts';

/** Django's `VALID_KEY_CHARS`: lowercase ASCII letters and digits. */
export const KEY_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789';
export const KEY_LENGTH = 32;
/** The tail that spells the key's index in base 36 keeps every key of a key space distinct. */
const INDEX_WIDTH = 8;
/**
 * The largest shrunk key space: its indices fit the tail, and a 32-bit draw still reaches every
 * key with negligible bias.
 */
export const MAX_KEY_SPACE = 1_000_000_000;

/**
 * The `index`-th key of a shrunk key space: 32 characters of Django's alphabet, random-looking
 * but fixed for the index, so the same index is the same key in every worker and every run.
 */
export function sessionKeyAt(index: number): string {
  const random = seededRandom(index ^ 0x5eed);
  let key = '';
  for (let i = 0; i < KEY_LENGTH - INDEX_WIDTH; i++) key += KEY_CHARS[Math.floor(random() * KEY_CHARS.length)];
  return key + index.toString(36).padStart(INDEX_WIDTH, '0');
}

/**
 * Draws keys uniformly from a key space of `keySpace` keys, as `get_random_string(32)` would from
 * the real one. Keys are spelled on demand (a few hundred nanoseconds, far below one round trip)
 * so a large key space costs no memory.
 */
export function keyDrawer(keySpace: number, random: Random): () => string {
  return () => sessionKeyAt(Math.floor(random() * keySpace));
}
