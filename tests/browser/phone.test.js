// The site on a 360 × 640 touch phone and on paper: on every page of both sites the closed menu
// takes at most a fifth of the screen and opens (without JavaScript too) onto every menu entry;
// every link and control is a target of at least 44 × 44 CSS px, and a choice's whole box
// selects it; the home page's actions (site.yaml `home:`) are on the first screen, one tap
// away; the policy printed carries the association, the version and approval, its address and
// the day, with a print button where JavaScript runs. Screenshots at 360 px go to
// tests/artifacts/screenshots/phone/.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { artifacts, launch, sites } from './lib/setup.js';
import { serveSite } from './lib/server.js';
import { crawl, pageName } from './lib/crawl.js';
import { western } from './lib/answers.js';

const PHONE = { viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, reducedMotion: 'reduce' };
/** A fifth of the phone's 640 px height. */
const MENU_MAX = 128;
/** WCAG 2.5.5 (AAA): a target's least width and height, in CSS px. */
const TARGET = 44;
const MISSING = '/no-such-page/';

const browser = await launch();
const servers = [];
after(async () => {
  await browser.close();
  await Promise.all(servers.map((s) => s.close()));
});

const crawled = [];
for (const site of sites()) {
  const server = await serveSite(site.root, site.api);
  servers.push(server);
  const context = await browser.newContext();
  const pages = await crawl(context, server.origin);
  await context.close();
  const paths = pages.filter((p) => p.status === 200 && p.type.startsWith('text/html')).map((p) => p.path);
  const config = parse(readFileSync(join(site.content, 'site.yaml'), 'utf8'));
  crawled.push({ site, server, config, paths: [...paths, MISSING] });
}

/** Opens `path` on the phone (or with `options` over it); closes the context when `use` ends. */
async function onPhone(server, path, use, options = {}) {
  const context = await browser.newContext({ ...PHONE, ...options });
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(server.origin + path, { waitUntil: 'load' });
    await page.evaluate(() => document.fonts.ready);
    return await use(page, errors);
  } finally {
    await context.close();
  }
}

/**
 * Runs in the page: every link and control a person can tap that is smaller than `min` CSS px
 * either way. A link within a sentence or a line of other text is exempt (WCAG's "inline"
 * exception). A radio or checkbox is measured as the box that holds it and its label, and each
 * of a grid of points in that box must reach the control or its label (the whole box selects it).
 */
function smallTargetsInPage([min, scope]) {
  const shown = (el) => {
    if (el.closest('[hidden], [inert], [aria-hidden="true"]')) return false;
    const style = getComputedStyle(el);
    if (style.visibility !== 'visible' || style.display === 'none') return false;
    const r = el.getBoundingClientRect();
    return r.width > 1 && r.height > 1;
  };
  const words = (s) => (s || '').replace(/\s+/g, ' ').trim();
  const blockOf = (el) => {
    let b = el.parentElement;
    while (b && getComputedStyle(b).display.startsWith('inline')) b = b.parentElement;
    return b;
  };
  const describe = (el) => `${el.localName}${el.type && el.localName === 'input' ? `[type=${el.type}]` : ''} «${words(el.textContent || el.value || el.name || el.id).slice(0, 40)}»`;
  const problems = [];
  let measured = 0;
  const selector = 'a[href], button, input, select, textarea, summary';
  for (const el of document.querySelectorAll(selector.split(', ').map((s) => `${scope} ${s}`).join(', '))) {
    if (el.getAttribute('tabindex') === '-1' || (el.localName === 'input' && el.type === 'hidden')) continue;
    if (el.localName === 'summary' && el.parentElement?.localName !== 'details') continue;
    if (!shown(el)) continue;
    if (el.localName === 'a' && words(blockOf(el)?.innerText) !== words(el.innerText)) continue;
    measured++;
    el.scrollIntoView({ block: 'center', inline: 'center' });
    if (el.localName === 'input' && (el.type === 'radio' || el.type === 'checkbox')) {
      const labels = [...el.labels];
      if (!labels.length) {
        problems.push(`${describe(el)} has no label to widen its target`);
        continue;
      }
      let box = el.parentElement;
      while (box && !labels.every((l) => box.contains(l))) box = box.parentElement;
      const r = box.getBoundingClientRect();
      if (r.width < min || r.height < min) problems.push(`${describe(el)} «${words(labels[0].innerText)}»: its box is ${Math.round(r.width)} × ${Math.round(r.height)}`);
      const missed = [];
      for (const fx of [0.05, 0.25, 0.5, 0.75, 0.95]) {
        for (const fy of [0.1, 0.5, 0.9]) {
          const x = r.left + r.width * fx;
          const y = r.top + r.height * fy;
          const hit = document.elementFromPoint(x, y);
          if (!hit || !(hit === el || labels.some((l) => l.contains(hit)))) missed.push(`${Math.round(x)},${Math.round(y)} → ${hit?.localName ?? 'nothing'}.${hit?.className ?? ''}`);
        }
      }
      if (missed.length) problems.push(`${describe(el)} «${words(labels[0].innerText)}»: taps in its box miss it at ${missed.join('; ')}`);
      continue;
    }
    const r = el.getBoundingClientRect();
    if (r.width < min - 0.5 || r.height < min - 0.5) problems.push(`${describe(el)}: ${Math.round(r.width)} × ${Math.round(r.height)}`);
  }
  window.scrollTo(0, 0);
  return { measured, problems };
}

/** Runs in the page: the menu as a person sees it. */
function menuInPage() {
  const header = document.querySelector('body > header');
  const nav = document.querySelector('nav[aria-label="القائمة الرئيسية"]');
  const visible = (el) => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility === 'visible';
  const links = nav ? [...nav.querySelectorAll('a[href]')].filter(visible) : [];
  return {
    headerHeight: header ? header.getBoundingClientRect().height : 0,
    navHeight: nav ? nav.getBoundingClientRect().height : 0,
    toggle: visible(nav?.querySelector('summary')),
    links: links.map((a) => ({ text: a.textContent.trim(), path: new URL(a.href).pathname, current: a.getAttribute('aria-current') })),
  };
}

for (const { site, server, config, paths } of crawled) {
  const nav = config.nav ?? [];
  const actions = config.home?.actions ?? [];

  describe(`${site.name} site on a 360 × 640 phone`, () => {
    test(`on every page the closed menu and header take at most ${MENU_MAX} px, and the menu opens onto every entry`, async () => {
      const problems = [];
      for (const path of paths) {
        await onPhone(server, path, async (page) => {
          const closed = await page.evaluate(menuInPage);
          if (closed.headerHeight > MENU_MAX) problems.push(`${decodeURI(path)}: the header is ${Math.round(closed.headerHeight)} px tall`);
          if (nav.length === 0) return;
          if (!closed.toggle) problems.push(`${decodeURI(path)}: no menu button`);
          if (closed.links.length) problems.push(`${decodeURI(path)}: ${closed.links.length} menu links shown while the menu is closed`);
          await page.tap('nav summary');
          const open = await page.evaluate(menuInPage);
          const expected = nav.map((n) => n.path);
          if (JSON.stringify(open.links.map((l) => l.path)) !== JSON.stringify(expected)) {
            problems.push(`${decodeURI(path)}: the open menu links to ${open.links.map((l) => l.path).join(' ')}, not ${expected.join(' ')}`);
          }
          const current = open.links.filter((l) => l.current === 'page').map((l) => l.path);
          const want = expected.filter((p) => p === path);
          if (JSON.stringify(current) !== JSON.stringify(want)) problems.push(`${decodeURI(path)}: aria-current on ${current.join(' ') || 'nothing'}`);
        });
      }
      assert.deepEqual(problems, [], problems.join('\n'));
    });

    test('the menu opens without JavaScript, with the keyboard, and is the full list on a wide screen', async () => {
      if (nav.length === 0) return;
      await onPhone(server, '/policy/', async (page) => {
        await page.tap('nav summary');
        const open = await page.evaluate(menuInPage);
        assert.equal(open.links.length, nav.length, 'without JavaScript the menu does not open');
        await page.click(`nav details a[href="${nav.at(-1).path}"]`);
        await page.waitForURL((url) => url.pathname === nav.at(-1).path);
      }, { javaScriptEnabled: false });
      await onPhone(server, '/', async (page) => {
        await page.keyboard.press('Tab');
        await page.keyboard.press('Tab');
        await page.keyboard.press('Tab');
        const focused = await page.evaluate(() => document.activeElement?.localName);
        assert.equal(focused, 'summary', 'the third Tab (after the skip link and the site name) reaches the menu button');
        const name = await page.evaluate(() => document.activeElement.textContent.trim());
        assert.ok(name.length > 0, 'the menu button has a name');
        assert.equal(await page.evaluate(() => document.activeElement.parentElement.open), false);
        await page.keyboard.press('Enter');
        assert.equal(await page.evaluate(() => document.activeElement.parentElement.open), true, 'Enter opens the menu');
        await page.keyboard.press('Tab');
        const first = await page.evaluate(() => new URL(document.activeElement.href).pathname);
        assert.equal(first, nav[0].path, 'the next Tab goes to the first menu entry');
      });
      await onPhone(server, '/channels/', async (page) => {
        const wide = await page.evaluate(menuInPage);
        assert.equal(wide.toggle, false, 'no menu button on a wide screen');
        assert.deepEqual(wide.links.map((l) => l.path), nav.map((n) => n.path));
      }, { viewport: { width: 1280, height: 800 }, isMobile: false, hasTouch: false });
    });

    test(`on every page, with the menu closed and open, every link and control is at least ${TARGET} × ${TARGET} px`, async (t) => {
      const problems = [];
      let measured = 0;
      for (const path of paths) {
        await onPhone(server, path, async (page) => {
          // The page with the menu closed, then the open menu (which lies over the page).
          const found = await page.evaluate(smallTargetsInPage, [TARGET, 'body']);
          await page.evaluate(() => document.querySelectorAll('nav details').forEach((d) => { d.open = true; }));
          const menu = await page.evaluate(smallTargetsInPage, [TARGET, 'header']);
          measured += found.measured + menu.measured;
          for (const p of [...found.problems, ...menu.problems]) problems.push(`${decodeURI(path)}: ${p}`);
        });
      }
      t.diagnostic(`${measured} targets measured on ${paths.length} pages`);
      assert.ok(measured > paths.length, 'targets were measured');
      assert.deepEqual(problems, [], `targets under ${TARGET} × ${TARGET} px:\n${problems.join('\n')}`);
    });

    test('a tap anywhere on a rating box chooses that rating', async (t) => {
      const path = paths.find((p) => p.startsWith('/forms/') && p.split('/').length === 4 && p.includes('survey')) ?? paths.find((p) => p.startsWith('/forms/'));
      await onPhone(server, path, async (page) => {
        const item = page.locator('.rating__item, .choice').nth(1);
        await item.scrollIntoViewIfNeeded();
        const box = await item.boundingBox();
        assert.ok(box, `${path} has a rating or a choice`);
        // The box's far corner, away from the radio and its digit.
        await page.touchscreen.tap(box.x + 4, box.y + box.height - 4);
        const checked = await item.locator('input').evaluate((i) => i.checked);
        t.diagnostic(`${decodeURI(path)}: tapped at the corner of a ${Math.round(box.width)} × ${Math.round(box.height)} box`);
        assert.equal(checked, true, 'the tap did not choose it');
      });
    });

    test('the home page opens with its actions from site.yaml, on the first screen, one tap from each', async () => {
      assert.ok(actions.length >= 3, 'site.yaml lists the home page actions');
      const shown = await onPhone(server, '/', async (page) => {
        await page.screenshot({ path: join(artifacts('screenshots', 'phone', site.name), 'home-360.png') });
        return page.evaluate(() => [...document.querySelectorAll('main a[href]')].map((a) => {
          const r = a.getBoundingClientRect();
          return { path: new URL(a.href).pathname, text: a.textContent.replace(/\s+/g, ' ').trim(), top: r.top, bottom: r.bottom };
        }));
      });
      for (const action of actions) {
        const link = shown.find((l) => l.path === action.path);
        assert.ok(link, `no link to ${action.path} on the home page`);
        assert.ok(link.text.includes(action.title), `the link to ${action.path} reads «${link.text}»`);
        assert.ok(link.bottom <= 640, `«${action.title}» is below the first screen (${Math.round(link.bottom)} px)`);
      }
      for (const action of actions) {
        await onPhone(server, '/', async (page) => {
          await page.tap(`main a[href="${action.path}"]`);
          await page.waitForURL((url) => url.pathname === action.path);
          const h1 = await page.textContent('h1');
          assert.ok(h1.trim().length > 0, `${action.path} has a heading`);
          const answer = await page.evaluate(() => document.querySelector('form[action]')?.getAttribute('action') ?? null);
          assert.ok(answer, `${action.path} opens a form to fill in`);
        });
      }
    });

    test('a form at 360 px: screenshot for a person to look at', async () => {
      const forms = paths.filter((p) => /^\/forms\/[^/]+\/$/.test(p));
      assert.ok(forms.length > 0);
      for (const path of forms) {
        await onPhone(server, path, async (page) => {
          await page.screenshot({ path: join(artifacts('screenshots', 'phone', site.name), `${pageName(path)}-360.png`), fullPage: true });
        });
      }
    });

    describe('the policy, printed', () => {
      const base = config.base_url.replace(/\/$/, '');
      for (const javaScriptEnabled of [false, true]) {
        test(`${javaScriptEnabled ? 'with' : 'without'} JavaScript: the association, version, approval, address and date; no menu or footer`, async () => {
          await onPhone(server, '/policy/', async (page, errors) => {
            const button = page.getByRole('button', { name: 'طباعة' });
            assert.equal(await button.isVisible(), javaScriptEnabled, `the print button is ${javaScriptEnabled ? 'missing' : 'shown though it cannot work'}`);
            await page.emulateMedia({ media: 'print' });
            const printed = await page.evaluate(() => document.body.innerText.replace(/\s+/g, ' '));
            const version = parse(readFileSync(join(site.content, 'policy', '_index.md'), 'utf8').split(/^---$/m)[1]).version;
            assert.ok(printed.includes(config.name), 'the association is named');
            // The version is printed only when the content states one (neither policy does).
            if (version === undefined) assert.ok(!printed.includes('الإصدار'), 'no version is invented');
            else assert.ok(western(printed).includes(`الإصدار ${version}`) || western(printed).includes(`الإصدار: ${version}`), `the version ${version} is shown`);
            assert.ok(printed.includes(`${base}/policy/`), `the address ${base}/policy/ is shown`);
            assert.match(printed, /تاريخ الطباعة:? \S/);
            const chrome = await page.evaluate(() => ['body > header', 'body > footer', '.toc', '.skip-link'].map((s) => {
              const el = document.querySelector(s);
              return el && el.getClientRects().length > 0 ? s : null;
            }).filter(Boolean));
            assert.deepEqual(chrome, [], 'the page chrome is not printed');
            const note = await page.evaluate(() => !!document.querySelector('[data-print-date-note]'));
            assert.equal(note, !javaScriptEnabled, javaScriptEnabled ? 'the build date stays though the day of printing is known' : 'the build date is not labelled as such');
            if (javaScriptEnabled) {
              const today = new Intl.DateTimeFormat('en-u-ca-gregory', { year: 'numeric', timeZone: 'Asia/Riyadh' }).format(new Date());
              assert.ok(western(printed).includes(`${today}م`), `the day of printing (${today}) is shown`);
              await page.screenshot({ path: join(artifacts('screenshots', 'phone', site.name), 'policy-print.png') });
            }
            const pdf = await page.pdf({ format: 'A4' });
            assert.ok(pdf.length > 10000, 'the policy prints to a PDF');
            assert.deepEqual(errors, []);
          }, { javaScriptEnabled, viewport: { width: 800, height: 1100 }, isMobile: false, hasTouch: false });
        });
      }
    });
  });
}
