// The survey invitation's link (forms::invite: `/forms/survey/?service=request` when the survey
// asks which service is rated): on a copy of each site whose survey has that choice, the page's
// script chooses the service the link names, and nothing else; without script, or with a value
// that is not one of the choices, nothing is chosen for the person.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, sites } from './lib/setup.js';
import { serveSite } from './lib/server.js';
import { scratchSite } from './lib/scratch.js';

const browser = await launch();
const servers = [];
after(async () => {
  await browser.close();
  await Promise.all(servers.map((s) => s.close()));
});

/** The site's forms, each `{ id, text }`, from its content's `forms/` folder. */
function formsOf(content) {
  const dir = join(content, 'forms');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => ({ id: f.replace(/\.yaml$/, ''), text: readFileSync(join(dir, f), 'utf8') }));
}

/**
 * A copy of the site whose survey asks first which service is rated, one option per trackable
 * form (the ones whose confirmation invites to the survey). Returns the built folder, the
 * survey's id and the options' values.
 */
function withServiceChoice(content) {
  const forms = formsOf(content);
  const survey = forms.find((f) => /^kind:\s*survey\b/m.test(f.text));
  const services = forms.filter((f) => /^trackable:\s*true\b/m.test(f.text)).map((f) => f.id);
  assert.ok(survey && services.length >= 2, 'the site has a survey and at least two trackable forms');
  const field = [
    'fields:',
    '  - name: service',
    '    label: الخدمة التي تقيّمها',
    '    type: choice',
    '    options:',
    ...services.map((id, i) => `      - { value: ${id}, label: الخدمة ${i + 1} }`),
    '',
  ].join('\n');
  const out = scratchSite(content, (site) => {
    const file = join(site, 'forms', `${survey.id}.yaml`);
    const text = readFileSync(file, 'utf8');
    assert.match(text, /^fields:[ \t]*\n/m);
    writeFileSync(file, text.replace(/^fields:[ \t]*\n/m, field));
  });
  return { out, survey: survey.id, services };
}

/** The values of the page's `service` choices that are checked. */
async function chosen(server, path, options = {}) {
  const context = await browser.newContext({ viewport: { width: 375, height: 800 }, ...options });
  try {
    const page = await context.newPage();
    await page.goto(server.origin + path, { waitUntil: 'load' });
    const inputs = page.locator('input[name="service"]');
    assert.ok((await inputs.count()) >= 2, `the page ${path} shows the service choice`);
    const checked = [];
    for (const input of await inputs.all()) if (await input.isChecked()) checked.push(await input.getAttribute('value'));
    return checked;
  } finally {
    await context.close();
  }
}

for (const site of sites()) {
  const { out, survey, services } = withServiceChoice(site.content);
  const server = await serveSite(out);
  servers.push(server);
  const page = `/forms/${survey}/`;

  describe(`${site.name} site, a survey that asks which service is rated`, () => {
    test('the invitation link chooses the service it names, whichever it is', async () => {
      for (const service of services) {
        assert.deepEqual(await chosen(server, `${page}?service=${service}`), [service]);
      }
    });

    test('nothing is chosen without the link, without script, or for a service the survey does not offer', async () => {
      assert.deepEqual(await chosen(server, page), []);
      assert.deepEqual(await chosen(server, `${page}?service=${services[0]}`, { javaScriptEnabled: false }), []);
      assert.deepEqual(await chosen(server, `${page}?service=no-such-form`), []);
      assert.deepEqual(await chosen(server, `${page}?other=${services[0]}`), []);
    });
  });
}
