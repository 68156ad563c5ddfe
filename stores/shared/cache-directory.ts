import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * racelab's cache: fetched PostgreSQL majors, data-directory templates, transpiled scenarios.
 * `RACELAB_CACHE_DIR`, else `$XDG_CACHE_HOME/racelab`, else `~/.cache/racelab`.
 */
export function cacheDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return env['RACELAB_CACHE_DIR'] || join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'racelab');
}
