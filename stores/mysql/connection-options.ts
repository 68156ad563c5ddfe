import type { ConnectionOptions } from 'mysql2';

/**
 * mysql2's options for a `mysql://` or `mariadb://` URL, connected as Django's MySQL backend
 * connects: FOUND_ROWS, so an UPDATE reports the rows it matched rather than those it changed
 * (Model.save()'s UPDATE-then-INSERT depends on it), and times in UTC.
 */
export function connectionOptions(url: string, database?: string): ConnectionOptions {
  const parsed = new URL(url);
  const fromUrl = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: parsed.port === '' ? 3306 : Number(parsed.port),
    user: decodeURIComponent(parsed.username) || 'root',
    password: decodeURIComponent(parsed.password),
    ...((database ?? fromUrl) !== '' && { database: database ?? fromUrl }),
    flags: ['FOUND_ROWS'],
    timezone: 'Z',
  };
}
