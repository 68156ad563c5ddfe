import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };

/** racelab's own name and version, as reports state them. */
export const TOOL = { name: manifest.name, version: manifest.version } as const;
