/**
 * Headless Chromium for static figures and browser tests: Debian's `chromium` driven by playwright-core with
 * `executablePath` (no browser download). The flags keep it off the network and quiet on a closed machine.
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { ParameterError } from '../errors.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const chromiumAvailable = () => existsSync(CHROMIUM);

export async function launchChromium(): Promise<Browser> {
  if (!chromiumAvailable()) {
    throw new ParameterError('chromium', CHROMIUM, 'an installed Chromium (Debian: apt-get install chromium; or set CHROMIUM_PATH)');
  }
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--allow-file-access-from-files'],
  });
}
