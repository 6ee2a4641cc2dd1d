// The privacy notice and the accessibility statement on every built site: reached by a person
// from the footer of the home page and from a form's line about its data, with no axe-core
// violation, and the notice naming every form of the site with its retention and where the data
// is stored.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { launch, sites } from './lib/setup.js';
import { serveSite } from './lib/server.js';
import { axeViolations } from './lib/audit.js';

const browser = await launch();
const servers = [];
after(async () => {
  await browser.close();
  await Promise.all(servers.map((s) => s.close()));
});

/** Opens `path` of the site in a fresh page (axe is injected past any CSP). */
async function open(server, path) {
  const context = await browser.newContext({ viewport: { width: 375, height: 800 }, bypassCSP: true });
  const page = await context.newPage();
  await page.goto(server.origin + path, { waitUntil: 'load' });
  return { context, page };
}

for (const site of sites()) {
  const server = await serveSite(site.root);
  servers.push(server);
  const formIds = readdirSync(join(site.content, 'forms'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.replace(/\.yaml$/, ''));

  describe(`${site.name} site`, () => {
    test('the footer of the home page leads to the privacy notice, which names every form', async () => {
      const { context, page } = await open(server, '/');
      try {
        await page.locator('footer').getByRole('link', { name: 'إشعار الخصوصية' }).click();
        await page.waitForURL('**/privacy/');
        assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'إشعار الخصوصية');
        for (const id of formIds) {
          const part = page.locator(`section[aria-labelledby="form-${id}"]`);
          assert.equal(await part.count(), 1, `the notice has a part for the form ${id}`);
          assert.match(await part.innerText(), /مدة الحفظ/, `${id}: its retention`);
        }
        const storage = await page.locator('#storage + p').innerText();
        assert.match(storage, /(داخل|خارج) المملكة العربية السعودية/, storage);
        // A contact for rights requests: a link, or marked text while the site's details are examples.
        const rights = await page.locator('#rights ~ .contact-list').innerText();
        assert.match(rights, /@|\d{4}/, 'a contact for rights requests');
        const violations = await axeViolations(page);
        assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
      } finally {
        await context.close();
      }
    });

    test("a form's line about its data leads to its part of the notice", async () => {
      const id = formIds.includes('request') ? 'request' : formIds[0];
      const { context, page } = await open(server, `/forms/${id}/`);
      try {
        const link = page.locator('form').getByRole('link', { name: /إشعار الخصوصية/ });
        assert.equal(await link.count(), 1, 'one link to the notice in the form');
        await link.click();
        await page.waitForURL((url) => url.pathname === '/privacy/' && url.hash === `#form-${id}`);
        await assert.doesNotReject(
          page.locator(`#form-${id}`).waitFor({ state: 'visible' }),
          'the part about the form is shown',
        );
      } finally {
        await context.close();
      }
    });

    test('the footer leads to the accessibility statement, which says how to report a barrier', async () => {
      const { context, page } = await open(server, '/');
      try {
        await page.locator('footer').getByRole('link', { name: 'بيان إمكانية الوصول' }).click();
        await page.waitForURL('**/accessibility/');
        assert.equal(await page.getByRole('heading', { level: 2, name: 'أبلغنا عن عائق' }).count(), 1);
        const violations = await axeViolations(page);
        assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));
      } finally {
        await context.close();
      }
    });
  });
}
