import { redactUrl } from './redact-url.ts';

/** What to do about a network failure, whatever the database. */
const NETWORK_HINTS: Readonly<Record<string, string>> = {
  ENOTFOUND: 'the host name is unknown; check the URL',
  ETIMEDOUT: 'nothing answered; check the host, port and firewall',
  EHOSTUNREACH: 'the host cannot be reached; check the host and network',
};

/**
 * A failed connection as one line: the URL without its password, the driver's words (or what they
 * mean, `explain`), and what to do about its code (the database's own `hints` first).
 */
export function connectError(url: string, error: unknown, hints: Readonly<Record<string, string>>, explain: (message: string) => string = (m) => m): Error {
  const { code, message } = error as { code?: string; message: string };
  const hint = code === undefined ? undefined : (hints[code] ?? NETWORK_HINTS[code]);
  return new Error(`could not connect to ${redactUrl(url)}: ${explain(message)}${hint === undefined ? '' : `; ${hint}`}`);
}
