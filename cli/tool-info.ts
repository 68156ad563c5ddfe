import { createRequire } from 'node:module';

// The package's own manifest, by its name: the same from the sources and from the build in dist/.
const manifest = createRequire(import.meta.url)('racelab/package.json') as { name: string; version: string };

/** racelab's own name and version, as reports state them. */
export const TOOL = { name: manifest.name, version: manifest.version } as const;
