// What the suite is run against, as the step script (tests/steps/50-browser.sh) hands it over
// in the environment, and the browser every test uses.
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * Chromium's headless shell (Debian's chromium-headless-shell), which every test but Lighthouse
 * drives: the same engine as Debian's Chromium (Blink and V8, one release), without the desktop
 * browser around it. The full browser in its headless mode took more than twice the processor
 * time for the same suite (841 against 312 processor-seconds, every file of both sites).
 */
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium-headless-shell';

/** Debian's Chromium, the browser itself: Lighthouse measures the pages in it, as a visitor's. */
export const CHROMIUM_BROWSER = process.env.CHROMIUM_BROWSER ?? '/usr/bin/chromium';

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
 * What the step script built and started, read from the JSON file named by `SUITE`:
 * `{ "sites": [{ "name", "content", "public", "api", "store" }] }`, where `content` is the
 * site's content folder, `public` its built site, `api` the address of the form service that
 * takes its forms, and `store` the command (an array) that lists the records of that service's
 * store, to which the form's id is appended; `log` the service's output, where it prints the
 * staff's one-time sign-in link.
 */
function suite() {
  const file = process.env.SUITE;
  if (!file) throw new Error('SUITE is not set: run the suite through tests/steps/50-browser.sh');
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** The built sites to test, each `{ name, content, root, api, store }`. */
export function sites() {
  return suite().sites.map((site) => ({ ...site, root: resolve(site.public) }));
}

/** A folder under tests/artifacts (ignored by git), created when missing. */
export function artifacts(...parts) {
  const dir = join(process.env.ARTIFACTS ?? join(REPO, 'tests', 'artifacts'), ...parts);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Launches Chromium's headless shell. */
export function launch(options = {}) {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true, ...options });
}
