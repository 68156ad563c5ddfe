import { describe, expect, it } from 'vitest';
import { cacheDirectory } from '../shared/cache-directory.ts';
import { compareVersions, newestOfMajor } from './versions.ts';

describe('PostgreSQL majors from npm', () => {
  it('picks the newest release of a major, betas ordered by number', () => {
    const versions = ['13.10.0-beta.7', '13.23.0-beta.15', '13.23.0-beta.16', '13.9.0-beta.7', '14.23.0-beta.17', '12.22.0-beta.15'];
    expect(newestOfMajor(versions, 13)).toBe('13.23.0-beta.16');
    expect(newestOfMajor(versions, 12)).toBe('12.22.0-beta.15');
    expect(newestOfMajor(versions, 16)).toBeUndefined();
    expect(compareVersions('16.9.0-beta.15', '16.10.0-beta.15')).toBeLessThan(0);
  });

  it('keeps fetched majors in RACELAB_CACHE_DIR, else the XDG cache', () => {
    expect(cacheDirectory({ RACELAB_CACHE_DIR: '/c' })).toBe('/c');
    expect(cacheDirectory({ XDG_CACHE_HOME: '/x' })).toBe('/x/racelab');
  });
});
