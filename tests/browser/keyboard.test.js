// Every page of every built site, used with the keyboard alone: Tab reaches every link and
// control in document order, each shows a visible focus indicator, and the skip link is the
// first stop and takes the keyboard to the main content.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, sites } from './lib/setup.js';
import { serveSite } from './lib/server.js';
import { crawl } from './lib/crawl.js';
import { focusedInPage, tabStopsInPage, unfocusedLookInPage } from './lib/keyboard.js';

const WIDTHS = [1280, 375];
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
  const paths = pages.filter((p) => p.status === 200 && p.type.startsWith('text/html')).map((p) => p.path);
  crawled.push({ site, server, paths: [...paths, MISSING] });
}

/** Presses Tab until focus leaves the page, returning what was focused at each stop. */
async function tabThrough(page, limit) {
  const visits = [];
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(focusedInPage);
    if (!focused) break;
    visits.push(focused);
  }
  return visits;
}

function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

for (const { site, server, paths } of crawled) {
  describe(`${site.name} site, keyboard`, () => {
    for (const path of paths) {
      for (const width of WIDTHS) {
        test(`${decodeURI(path)} at ${width}px: Tab order, focus indicator, skip link`, async (t) => {
          // Reduced motion: the site then scrolls to a focused control at once rather than
          // smoothly, so whether it is on screen can be read as soon as it has focus.
          const context = await browser.newContext({ viewport: { width, height: 800 }, reducedMotion: 'reduce' });
          try {
            const page = await context.newPage();
            await page.goto(server.origin + path, { waitUntil: 'load' });
            const { stops, positive } = await page.evaluate(tabStopsInPage);
            assert.deepEqual(positive, [], 'a positive tabindex breaks the reading order');
            assert.ok(stops.length > 0, 'nothing on the page can be reached with Tab');
            t.diagnostic(`${stops.length} tab stops`);
            const unfocused = [];
            for (let n = 0; n < stops.length; n++) unfocused.push(await page.evaluate(unfocusedLookInPage, n));

            const visits = await tabThrough(page, stops.length + 5);
            const reached = visits.map((v) => (v.stop === null ? `unexpected ${v.html}` : stops[Number(v.stop)]));
            assert.deepEqual(reached, stops, 'Tab does not reach every link and control in document order');

            const invisible = [];
            for (const visit of visits) {
              const before = unfocused[Number(visit.stop)];
              const changed = ['outline', 'boxShadow', 'background', 'border', 'decoration'].some((k) => visit.look[k] !== before[k]);
              const indicator = visit.outlineVisible || (changed && !same(visit.look, before));
              if (!indicator || !visit.inView) {
                invisible.push(`${stops[Number(visit.stop)]}: ${!visit.inView ? 'not on screen when focused' : 'looks the same focused and unfocused'}`);
              }
            }
            assert.deepEqual(invisible, [], 'focus must be visible on every stop');

            // The skip link: the first stop, pointing at the main content; following it moves
            // the keyboard there, so the next Tab lands inside <main> (or on it).
            await page.goto(server.origin + path, { waitUntil: 'load' });
            await page.evaluate(tabStopsInPage);
            await page.keyboard.press('Tab');
            const skip = await page.evaluate(() => {
              const a = document.activeElement;
              const hash = a?.localName === 'a' ? new URL(a.href).hash : '';
              const target = hash ? document.getElementById(decodeURIComponent(hash.slice(1))) : null;
              return { html: a?.outerHTML.slice(0, 120), hash, main: !!target && (target.localName === 'main' || target.getAttribute('role') === 'main' || !!target.querySelector('main')) };
            });
            assert.ok(skip.hash && skip.main, `the first Tab stop is not a skip link to the main content: ${skip.html}`);
            await page.keyboard.press('Enter');
            const afterSkip = await page.evaluate(() => ({
              hash: location.hash,
              focusInMain: !!document.activeElement?.closest('main, [role=main]'),
            }));
            assert.equal(afterSkip.hash, skip.hash, 'Enter on the skip link does not follow it');
            const hasStopsInMain = await page.evaluate(() => !!document.querySelector('main [data-tab-stop], [role=main] [data-tab-stop]'));
            if (hasStopsInMain) {
              if (!afterSkip.focusInMain) await page.keyboard.press('Tab');
              const landed = await page.evaluate(() => !!document.activeElement?.closest('main, [role=main]'));
              assert.ok(landed, 'after the skip link, the next Tab does not land in the main content');
            } else {
              assert.ok(afterSkip.focusInMain, 'the skip link does not move focus to the main content');
            }
          } finally {
            await context.close();
          }
        });
      }
    }
  });
}
