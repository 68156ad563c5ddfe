import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's Chromium, or CHROMIUM_PATH: .ci/run installs it; a laptop without it skips the check. */
export const CHROMIUM = [process.env['CHROMIUM_PATH'], '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (path): path is string => path !== undefined && existsSync(path),
);

/** Flags for a headless run on a closed network, as root, with a fresh profile. */
function flags(profile: string): string[] {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${profile}`,
  ];
}

/** Loads a page in headless Chromium: the DOM it built, and a screenshot of it. */
export function renderInChromium(file: string, screenshot: string): string {
  const profile = mkdtempSync(join(tmpdir(), 'racelab-chromium-'));
  try {
    const url = `file://${file}`;
    execFileSync(CHROMIUM!, [...flags(profile), '--window-size=1200,2400', `--screenshot=${screenshot}`, url], { stdio: 'ignore', timeout: 60_000 });
    return execFileSync(CHROMIUM!, [...flags(profile), '--dump-dom', url], { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'] });
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}
