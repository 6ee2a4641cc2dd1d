// A shared device: one person sends a form, the next goes back to the form page (restored by the
// browser with everything on it, its hidden idempotency key included) and sends the very same
// answers (a survey, say). They are two people and two records; a double click is still one.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, sites } from './lib/setup.js';
import { serveSite } from './lib/server.js';
import { crawl } from './lib/crawl.js';
import { records } from './lib/store.js';
import { formDefinitions, goodAnswers } from './lib/answers.js';
import { fill, formPosting, submit } from './lib/forms.js';

const browser = await launch();
const servers = [];
after(async () => {
  await browser.close();
  await Promise.all(servers.map((s) => s.close()));
});

/** The key in the page's hidden idempotency field. */
function keyIn(form) {
  return form.locator('input[data-idempotency-key]').inputValue();
}

for (const site of sites()) {
  const server = await serveSite(site.root, site.api);
  servers.push(server);
  const context = await browser.newContext();
  const pages = await crawl(context, server.origin);
  const formPages = {};
  for (const p of pages.filter((p) => p.status === 200 && p.type.startsWith('text/html'))) {
    const page = await context.newPage();
    await page.goto(server.origin + p.path);
    const actions = await page.$$eval('form[action]', (forms) => forms.map((f) => new URL(f.action).pathname));
    await page.close();
    for (const action of actions) {
      const form = action.match(/^\/api\/forms\/([^/]+)$/)?.[1];
      if (form) formPages[form] ??= p.path;
    }
  }
  await context.close();
  const definitions = formDefinitions(site.content);

  describe(`${site.name}: the same answers sent again from a page shown again`, () => {
    for (const [id, path] of Object.entries(formPages)) {
      test(`${id}: send, go back, send the same answers: two records`, async () => {
        const action = `/api/forms/${id}`;
        const answers = goodAnswers(definitions[id]);
        const before = (await records(site, id)).length;
        const context = await browser.newContext({ viewport: { width: 375, height: 800 } });
        try {
          const page = await context.newPage();
          await page.goto(server.origin + path, { waitUntil: 'load' });
          let form = formPosting(page, action);
          const firstKey = await keyIn(form);
          assert.ok(firstKey, 'the script gave the form a key');
          await fill(form, answers);
          const sent = await submit(page, form, { double: true });
          assert.equal(sent?.status(), 200, 'the first person gets a confirmation');
          assert.equal((await records(site, id)).length, before + 1, 'a double click is still one record');

          // The next person: the back button shows the form again, as the browser kept it.
          await page.goBack({ waitUntil: 'load' });
          form = formPosting(page, action);
          const secondKey = await keyIn(form);
          assert.ok(secondKey, 'the page shown again has a key');
          assert.notEqual(secondKey, firstKey, 'the page shown again has a new key');
          await fill(form, answers);
          const again = await submit(page, form);
          assert.equal(again?.status(), 200, 'the second person gets a confirmation');
          assert.equal((await records(site, id)).length, before + 2, 'two people, two records');
        } finally {
          await context.close();
        }
      });
    }
  });
}
