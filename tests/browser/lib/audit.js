// In-page audits shared by the page tests: axe-core, layout overflow, and reading a page's
// language and direction.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { lowContrastInPage } from './contrast.js';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The axe-core rule sets asserted: WCAG 2.0 and 2.1, levels A and AA, and best practices. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

/** Runs axe-core in `page` and returns its violations, each summarised for a failure message. */
export async function axeViolations(page) {
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    AXE_TAGS,
  );
  return result.violations.map((v) => ({
    rule: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target.join(' '), html: n.html.slice(0, 160), why: n.failureSummary })),
  }));
}

/**
 * Runs `audit(copy)` on a copy of `page` with JavaScript on, at the same address and viewport,
 * and resolves to what it returns. For pages opened with JavaScript off: axe-core works with
 * timers, which never fire there (its run would wait for ever). The copy is the same HTML as
 * `page` shows now; its style sheets and images load from the same server.
 */
export async function inScriptedCopy(page, audit) {
  const html = await page.content();
  const url = page.url().split('#')[0];
  const context = await page.context().browser().newContext({ viewport: page.viewportSize() });
  try {
    const copy = await context.newPage();
    await copy.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
    await copy.goto(url, { waitUntil: 'load' });
    return await audit(copy);
  } finally {
    await context.close();
  }
}

/**
 * Runs in the page: what makes it scroll sideways. `scroll` is how far the document is wider
 * than the window; `elements` lists visible elements that stick out of the window without
 * being inside a scrolling box of their own.
 */
export function overflowInPage() {
  const width = document.documentElement.clientWidth;
  const scroll = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - width;
  const scrolls = (el) => {
    for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
      const x = getComputedStyle(node).overflowX;
      if (x === 'auto' || x === 'scroll' || x === 'hidden' || x === 'clip') return true;
    }
    return false;
  };
  const elements = [];
  for (const el of document.body.querySelectorAll('*')) {
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) continue;
    const inside = rect.right > 0 && rect.left < width;
    const sticksOut = rect.left < -1 || rect.right > width + 1;
    if (!inside || !sticksOut || scrolls(el)) continue;
    const style = getComputedStyle(el);
    if (style.visibility !== 'visible') continue;
    elements.push(`${el.localName}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''} [${Math.round(rect.left)}..${Math.round(rect.right)}]`);
  }
  return { scroll, elements: elements.slice(0, 10) };
}

/** Runs in the page: the root's `lang` and `dir` attributes and its computed direction. */
export function languageInPage() {
  const root = document.documentElement;
  return {
    lang: root.getAttribute('lang'),
    dir: root.getAttribute('dir'),
    direction: getComputedStyle(root).direction,
    bodyDirection: getComputedStyle(document.body).direction,
  };
}

/**
 * Asserts that the open page is Arabic and right to left, has no axe-core violation, and shows
 * every text at a readable contrast at 375 and 1280 px (the page needs JavaScript on).
 */
export async function auditPage(page) {
  const { lang, dir, direction } = await page.evaluate(languageInPage);
  assert.deepEqual({ lang, dir, direction }, { lang: 'ar', dir: 'rtl', direction: 'rtl' });
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    const { checked, failures } = await page.evaluate(lowContrastInPage);
    assert.ok(checked > 0, 'text was measured');
    assert.deepEqual(failures, [], `${width} px: ${JSON.stringify(failures, null, 2)}`);
  }
}
