// Lighthouse on the home page, the policy and the request form of every built site, in Debian's
// Chromium: accessibility, best practices and SEO must score 100. The performance score and its
// metrics are measurements, not assertions: they go to bench/results/lighthouse.json.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { CHROMIUM_BROWSER, CHROMIUM_FLAGS, REPO, artifacts, sites } from './lib/setup.js';
import { serveSite } from './lib/server.js';
import { pageName } from './lib/crawl.js';

const PAGES = ['/', '/policy/', '/forms/request/'];
const ASSERTED = ['accessibility', 'best-practices', 'seo'];
const METRICS = ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift', 'speed-index', 'interactive'];
const REPORT = process.env.LIGHTHOUSE_REPORT ?? join(REPO, 'bench', 'results', 'lighthouse.json');

const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM_BROWSER, chromeFlags: ['--headless=new', ...CHROMIUM_FLAGS] });
const servers = [];
const measured = [];
after(async () => {
  await chrome.kill();
  await Promise.all(servers.map((s) => s.close()));
  if (measured.length) {
    mkdirSync(join(REPORT, '..'), { recursive: true });
    const report = {
      what: 'Lighthouse, default mobile settings (simulated throttling), Debian Chromium headless; the site served locally',
      lighthouse: measured[0].lighthouseVersion,
      browser: measured[0].userAgent,
      measured_at: new Date().toISOString(),
      pages: measured.map(({ lighthouseVersion, userAgent, ...page }) => page),
    };
    writeFileSync(REPORT, JSON.stringify(report, null, 2) + '\n');
  }
});

/** The first few items an audit found, in one line (URLs, sources, elements). */
function detailOf(audit) {
  const items = (audit.details?.items ?? []).slice(0, 4).map((item) =>
    [item.url, item.sourceLocation?.url, item.source, item.description, item.node?.snippet, item.node?.explanation].filter((x) => typeof x === 'string').join(' '),
  );
  return items.length ? `\n      ${items.join('\n      ')}` : '';
}

for (const site of sites()) {
  const server = await serveSite(site.root);
  servers.push(server);
  for (const path of PAGES) {
    test(`${site.name} ${path}: Lighthouse accessibility, best practices and SEO score 100`, async () => {
      const result = await lighthouse(server.origin + path, {
        port: chrome.port,
        output: 'html',
        logLevel: 'error',
        onlyCategories: ['performance', ...ASSERTED],
      });
      const lhr = result.lhr;
      writeFileSync(join(artifacts('lighthouse', site.name), `${pageName(path)}.html`), result.report);
      assert.equal(lhr.runtimeError, undefined, `Lighthouse could not run: ${lhr.runtimeError?.message}`);
      measured.push({
        site: site.name,
        path,
        lighthouseVersion: lhr.lighthouseVersion,
        userAgent: lhr.environment.hostUserAgent,
        scores: Object.fromEntries(Object.entries(lhr.categories).map(([id, c]) => [id, c.score === null ? null : Math.round(c.score * 100)])),
        metrics_ms: Object.fromEntries(METRICS.map((id) => [id, lhr.audits[id]?.numericValue ?? null])),
      });
      const shortfalls = [];
      for (const id of ASSERTED) {
        const category = lhr.categories[id];
        if (category.score === 1) continue;
        const failing = category.auditRefs
          .filter((ref) => ref.weight > 0 && lhr.audits[ref.id].score !== null && lhr.audits[ref.id].score < 1)
          .map((ref) => `    ${ref.id}: ${lhr.audits[ref.id].title}${detailOf(lhr.audits[ref.id])}`);
        shortfalls.push(`${id} ${Math.round((category.score ?? 0) * 100)}:\n${failing.join('\n')}`);
      }
      assert.deepEqual(shortfalls, [], shortfalls.join('\n'));
    });
  }
}
