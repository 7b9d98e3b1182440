// Real headless Chromium for browser tests: Debian's `chromium` package (installed by scripts/setup.mjs) driven
// by playwright-core. No browser download: the machine's own binary, flags that keep it off the network.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why browser tests cannot run here, or undefined when they can. */
export function browserUnavailable(): string | undefined {
  return existsSync(CHROMIUM_PATH)
    ? undefined
    : `no Chromium at ${CHROMIUM_PATH}: run scripts/setup.mjs as root (apt-get install chromium) or set CHROMIUM_PATH`;
}

/** Launches headless Chromium with a fresh profile (Playwright makes a new user-data dir for each launch). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
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
}
