// Debian's Chromium driven by playwright-core (no downloaded browser). The flags keep it off the network
// (this machine reaches none) and quiet; Playwright gives each launch a new, empty profile directory.
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  // headless adds --headless; Chromium runs as root here, hence --no-sandbox.
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: FLAGS });
}
