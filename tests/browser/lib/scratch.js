// A copy of a site's content in a scratch folder, changed by a test (with the site-gen command
// the step script built: archive a version, add a report) and built with the repository's
// templates. The folders are removed when the process ends.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './setup.js';

/** The site-gen binary `tests/steps/50-browser.sh` builds. */
export const SITE_GEN = join(process.env.CARGO_TARGET_DIR ?? join(REPO, 'target'), 'debug', 'site-gen');

const made = [];
process.on('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** Runs site-gen with `args`; its standard output, or a thrown error with what it printed. */
export function siteGen(...args) {
  return execFileSync(SITE_GEN, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * Copies `content`, lets `change(copy)` change the copy, builds it (with `args` added to
 * site-gen's) and returns the built folder.
 */
export function scratchSite(content, change, ...args) {
  const dir = mkdtempSync(join(tmpdir(), 'site-'));
  made.push(dir);
  const site = join(dir, 'content');
  cpSync(content, site, { recursive: true });
  change(site);
  const out = join(dir, 'public');
  siteGen('build', '--site', site, '--templates', join(REPO, 'templates'), '--out', out, ...args);
  return out;
}
