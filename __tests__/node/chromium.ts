/**
 * The system's Chromium for the browser tests: found from CHROMIUM_PATH, then the usual Debian
 * paths, and launched headless with the flags that keep it off the network (without them it waits
 * on background requests that a closed network never answers), with a fresh profile.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { BrowserContext } from 'playwright-core';
import { chromium } from 'playwright-core';

/** The Chromium binary to use, or undefined when there is none. */
export const chromiumPath = (): string | undefined => {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((p): p is string => p !== undefined && p !== '' && fs.existsSync(p));
};

/**
 * Launch headless Chromium with a fresh profile (its `--user-data-dir`) under `dir`. Playwright
 * passes the profile directory itself, as `--user-data-dir`, for a persistent context.
 */
export const launchChromium = (executablePath: string, dir: string): Promise<BrowserContext> =>
  chromium.launchPersistentContext(path.join(dir, 'profile'), {
    executablePath,
    headless: true,
    timeout: 60_000,
    viewport: { width: 1400, height: 1000 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
