// What the suite is run against, as the step script (tests/steps/50-browser.sh) hands it over
// in the environment, and the browser every test uses.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Debian's Chromium: the only browser this machine can have. */
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Flags that keep headless Chromium quiet, offline and deterministic in a container. */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

/**
 * The built sites to test: `SITES="default=/path/to/public,qana=/path/to/public"`.
 * Each is `{ name, root }`.
 */
export function sites() {
  const spec = process.env.SITES;
  if (!spec) throw new Error('SITES is not set: run the suite through tests/steps/50-browser.sh');
  return spec.split(',').map((entry) => {
    const [name, root] = entry.split('=');
    if (!name || !root) throw new Error(`SITES entry "${entry}" is not name=folder`);
    return { name, root: resolve(root) };
  });
}

/** The form service's address (`FORM_API`, e.g. http://127.0.0.1:3000). */
export function formApi() {
  const url = process.env.FORM_API;
  if (!url) throw new Error('FORM_API is not set: run the suite through tests/steps/50-browser.sh');
  return url;
}

/** A folder under tests/artifacts (ignored by git), created when missing. */
export function artifacts(...parts) {
  const dir = join(process.env.ARTIFACTS ?? join(REPO, 'tests', 'artifacts'), ...parts);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Launches headless Chromium. */
export function launch(options = {}) {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true, ...options });
}
