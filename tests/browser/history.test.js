// Every approved version of the policy, on a copy of each site: staff file the current version
// (`site-gen archive`), edit a sentence and add a section under a new version, and rebuild. A
// person then reaches the earlier version and what changed from the policy page; the pages have
// no axe-core violation and readable contrast, and the changed words are marked in a way that
// reads without colour (underline, line-through) and to a screen reader («أُضيف:», «حُذف:»).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, sites } from './lib/setup.js';
import { serveSite } from './lib/server.js';
import { auditPage } from './lib/audit.js';
import { scratchSite, siteGen } from './lib/scratch.js';

const ADDED_TITLE = 'قسم أضافه الاختبار';

const browser = await launch();
const servers = [];
after(async () => {
  await browser.close();
  await Promise.all(servers.map((s) => s.close()));
});

/**
 * A copy of the site whose version is filed, then the first word of its first section reworded
 * and a section added under a new version number, built. Returns the built folder and the word
 * replaced.
 */
function archivedAndEdited(content) {
  let word;
  const out = scratchSite(content, (site) => {
    assert.match(siteGen('archive', '--site', site), /حُفظ/);
    const policy = join(site, 'policy');
    const first = readdirSync(policy).filter((f) => /^\d.*\.md$/.test(f)).sort()[0];
    const text = readFileSync(join(policy, first), 'utf8');
    const [, front, body] = text.match(/^(---\n[\s\S]*?\n---\n)([\s\S]*)$/);
    word = body.match(/[\u0621-\u064A]{3,}/)[0];
    writeFileSync(join(policy, first), front + body.replace(word, 'كلمةجديدة'));
    writeFileSync(join(policy, '99-test.md'), `---\ntitle: ${ADDED_TITLE}\n---\nنص أضافه الاختبار.\n`);
    const index = join(policy, '_index.md');
    writeFileSync(index, readFileSync(index, 'utf8').replace(/^approval:/m, 'version: "9.1"\napproval:'));
  });
  return { out, word };
}

async function open(server, path, options = {}) {
  const context = await browser.newContext({ viewport: { width: 375, height: 800 }, bypassCSP: true, ...options });
  const page = await context.newPage();
  await page.goto(server.origin + path, { waitUntil: 'load' });
  return { context, page };
}

for (const site of sites()) {
  const { out, word } = archivedAndEdited(site.content);
  const server = await serveSite(out);
  servers.push(server);

  describe(`${site.name} site, with an archived version`, () => {
    test('the policy page leads to the earlier version, which shows its approval and says it is no longer in force', async () => {
      const { context, page } = await open(server, '/policy/');
      try {
        await page.getByRole('link', { name: 'الإصدارات السابقة' }).click();
        await page.waitForURL('**/policy/archive/');
        await auditPage(page);
        await page.locator('main .version a').first().click();
        await page.waitForURL(/\/policy\/archive\/[^/]+\/$/);
        assert.match(await page.locator('main').innerText(), /إصدار سابق/);
        assert.match(await page.locator('#approval-block').innerText(), /جهة الاعتماد/);
        assert.match(await page.locator('main').innerText(), new RegExp(word));
        await auditPage(page);
      } finally {
        await context.close();
      }
    });

    test('what changed: the reworded words and the added section are marked, readable without colour or script', async () => {
      // Without JavaScript: reached from the policy page, the marked words are there.
      const off = await open(server, '/policy/', { javaScriptEnabled: false });
      try {
        await off.page.getByRole('link', { name: 'ما الذي تغيّر في هذا الإصدار' }).click();
        await off.page.waitForURL('**/policy/changes/');
        const reworded = off.page.locator('.change--reworded').first();
        assert.match(await reworded.locator('del').first().innerText(), new RegExp(word));
        assert.match(await reworded.locator('ins').first().innerText(), /كلمةجديدة/);
        assert.match(await off.page.locator('.change--added h2').innerText(), new RegExp(ADDED_TITLE));
      } finally {
        await off.context.close();
      }
      // Measured in the page (which needs script): each mark is a line, not only a colour, and
      // says what it is to a screen reader.
      const { context, page } = await open(server, '/policy/changes/');
      try {
        const marks = await page.evaluate(() =>
          [...document.querySelectorAll('.change ins, .change del')].map((el) => ({
            tag: el.localName,
            line: getComputedStyle(el).textDecorationLine,
            label: el.querySelector('.visually-hidden')?.textContent,
          })),
        );
        assert.ok(marks.length >= 3, JSON.stringify(marks));
        for (const m of marks) {
          assert.equal(m.line, m.tag === 'ins' ? 'underline' : 'line-through', JSON.stringify(m));
          assert.equal(m.label, m.tag === 'ins' ? 'أُضيف: ' : 'حُذف: ', JSON.stringify(m));
        }
        await auditPage(page);
      } finally {
        await context.close();
      }
    });
  });
}
