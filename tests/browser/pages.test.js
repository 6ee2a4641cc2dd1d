// Every page of every built site: Arabic and right-to-left, no axe-core violations, readable
// text contrast, no sideways scrolling from 320 to 1280 px, working links and anchors, and a
// screenshot at 375 and 1280 px in tests/artifacts/screenshots/ for a person to look at.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { artifacts, launch, sites } from './lib/setup.js';
import { serveSite } from './lib/server.js';
import { crawl, pageKey, pageName } from './lib/crawl.js';
import { axeViolations, languageInPage, overflowInPage } from './lib/audit.js';
import { lowContrastInPage } from './lib/contrast.js';

const WIDTHS = [320, 375, 768, 1280];
const SCREENSHOT_WIDTHS = [375, 1280];
/** A path no site has: the host answers it with the site's 404 page. */
const MISSING = '/no-such-page/';

const browser = await launch();
const servers = [];
after(async () => {
  await browser.close();
  await Promise.all(servers.map((s) => s.close()));
});

const crawled = [];
for (const site of sites()) {
  const server = await serveSite(site.root);
  servers.push(server);
  const context = await browser.newContext();
  const pages = await crawl(context, server.origin);
  await context.close();
  crawled.push({ site, server, pages });
}

/** Opens `path` in a fresh page of the site at `width` px (axe is injected past any CSP). */
async function open(server, path, width = 1280) {
  const context = await browser.newContext({ viewport: { width, height: 800 }, bypassCSP: true });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const response = await page.goto(server.origin + path, { waitUntil: 'load' });
  return { context, page, response, errors };
}

for (const { site, server, pages } of crawled) {
  const htmlPages = pages.filter((p) => p.status === 200 && p.type.startsWith('text/html'));

  describe(`${site.name} site`, () => {
    test('the crawl from / finds the pages', () => {
      assert.ok(htmlPages.length >= 2, `only ${htmlPages.length} page(s) reachable from / in ${site.root}`);
    });

    test('every internal link answers 200 and every #anchor exists on its page', async (t) => {
      const byKey = new Map(pages.map((p) => [p.path, p]));
      const problems = [];
      const anchors = new Map();
      for (const page of pages) {
        for (const link of page.links) {
          const url = new URL(link.href);
          const key = pageKey(link.href);
          if (key.startsWith('/api/')) {
            problems.push(`${link.from}: link «${link.text}» points at the form service (${key})`);
            continue;
          }
          const target = byKey.get(key);
          if (!target || target.status !== 200) {
            problems.push(`${link.from}: link «${link.text}» → ${decodeURI(key)} answers ${target?.status ?? 'nothing'}`);
            continue;
          }
          if (url.hash) {
            const raw = url.hash.slice(1);
            const id = decodeURIComponent(raw);
            if (!target.ids.includes(id) && !target.ids.includes(raw)) {
              problems.push(`${link.from}: link «${link.text}» → ${decodeURI(key)}#${id}: no element has that id`);
            } else {
              if (!anchors.has(key)) anchors.set(key, new Set());
              anchors.get(key).add(raw);
            }
          }
        }
      }
      // Each anchor must work in the browser too: following it makes its element the :target.
      for (const [key, fragments] of anchors) {
        const { context, page } = await open(server, key);
        for (const raw of fragments) {
          const target = await page.evaluate((hash) => {
            location.hash = hash;
            return document.querySelector(':target')?.id ?? null;
          }, raw);
          if (target !== decodeURIComponent(raw)) {
            problems.push(`${decodeURI(key)}#${decodeURIComponent(raw)}: the browser does not go to it (:target is ${target})`);
          }
        }
        await context.close();
      }
      const resources = new Set(pages.flatMap((p) => p.resources));
      for (const url of resources) {
        const answer = await fetch(url, { redirect: 'manual' });
        if (answer.status !== 200) problems.push(`resource ${decodeURI(new URL(url).pathname)} answers ${answer.status}`);
      }
      const linkCount = pages.reduce((n, p) => n + p.links.length, 0);
      const anchorCount = [...anchors.values()].reduce((n, f) => n + f.size, 0);
      t.diagnostic(`${pages.length} addresses, ${linkCount} internal links, ${anchorCount} distinct anchors, ${resources.size} resources`);
      assert.deepEqual(problems, [], `broken links or anchors on the ${site.name} site:\n${problems.join('\n')}`);
    });

    test('a missing page answers 404 with the site\'s own page', async () => {
      const answer = await fetch(server.origin + MISSING);
      assert.equal(answer.status, 404);
      assert.match(answer.headers.get('content-type') ?? '', /^text\/html/);
    });

    for (const path of [...htmlPages.map((p) => p.path), MISSING]) {
      const name = pageName(path);
      describe(`page ${decodeURI(path)}`, () => {
        let opened;
        before(async () => {
          opened = await open(server, path);
          await opened.page.evaluate(() => document.fonts.ready);
        });
        after(() => opened.context.close());

        test('is Arabic and right-to-left', async () => {
          const language = await opened.page.evaluate(languageInPage);
          assert.equal(language.lang, 'ar');
          assert.equal(language.dir, 'rtl');
          assert.equal(language.direction, 'rtl');
          assert.equal(language.bodyDirection, 'rtl');
          assert.deepEqual(opened.errors, [], 'script errors on the page');
        });

        test('axe-core finds no WCAG 2.1 A/AA or best-practice violation', async () => {
          const violations = await axeViolations(opened.page);
          assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
        });

        test(`no sideways scrolling at ${WIDTHS.join(', ')} px; readable contrast; screenshots at ${SCREENSHOT_WIDTHS.join(' and ')} px`, async (t) => {
          const { page } = opened;
          const overflow = [];
          const contrast = [];
          let measured = 0;
          const dir = artifacts('screenshots', site.name);
          for (const width of WIDTHS) {
            await page.setViewportSize({ width, height: 800 });
            const { scroll, elements } = await page.evaluate(overflowInPage);
            if (scroll > 0 || elements.length) {
              overflow.push(`${width}px: the page is ${scroll}px wider than the window; sticking out: ${elements.join(', ') || 'none'}`);
            }
            if (SCREENSHOT_WIDTHS.includes(width)) {
              const { checked, failures } = await page.evaluate(lowContrastInPage);
              measured += checked;
              for (const f of failures) contrast.push({ width, ...f });
              await page.screenshot({ path: join(dir, `${name}-${width}.png`), fullPage: true });
            }
          }
          t.diagnostic(`contrast measured on ${measured} text elements at 375 and 1280 px`);
          assert.ok(measured > 0, 'the page shows text whose contrast was measured');
          assert.deepEqual(overflow, [], `sideways scrolling:\n${overflow.join('\n')}`);
          assert.deepEqual(contrast, [], `text below 4.5:1 (3:1 large):\n${JSON.stringify(contrast, null, 2)}`);
        });
      });
    }
  });
}
