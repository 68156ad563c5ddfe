import { createRequire } from 'node:module';
import { dirname } from 'node:path';

// The package's own manifest, by its name: the same from the sources and from the build in dist/.
const require = createRequire(import.meta.url);
const manifestPath = require.resolve('racelab/package.json');
const manifest = require(manifestPath) as { name: string; version: string };

/** racelab's own name and version, as reports state them. */
export const TOOL = { name: manifest.name, version: manifest.version } as const;

/** The directory racelab's package.json is in: a checkout, or where the package was installed. */
export const PACKAGE_ROOT = dirname(manifestPath);
