// The forms end to end, as a person uses them, with JavaScript off and on: the built site served
// with the local form service (on its embedded store) behind /api/. Every form is filled from
// its rendered page with answers drawn from the site's own form definitions.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifacts, launch, sites } from './lib/setup.js';
import { serveSite } from './lib/server.js';
import { crawl } from './lib/crawl.js';
import { axeViolations, inScriptedCopy } from './lib/audit.js';
import { lowContrastInPage } from './lib/contrast.js';
import { htmlErrors } from './lib/vnu.js';
import { records } from './lib/store.js';
import { arabicIndic, badAnswers, firstParagraph, formDefinitions, goodAnswers, western } from './lib/answers.js';
import { TRACKING_CODE, fill, fillTrack, formPosting, hiddenControlsInPage, submit, valuesInPage, visibleText } from './lib/forms.js';

/** The Arabic label of the status every new request starts in. */
const RECEIVED = 'تم الاستلام';
const MODES = [
  { name: 'without JavaScript', javaScriptEnabled: false },
  { name: 'with JavaScript', javaScriptEnabled: true },
];

const browser = await launch();
const servers = [];
/** Every answer page of the service that the tests saw, saved for the HTML checker. */
const answerPages = [];
after(async () => {
  await browser.close();
  await Promise.all(servers.map((s) => s.close()));
});

const setups = [];
for (const site of sites()) {
  const server = await serveSite(site.root, site.api);
  servers.push(server);
  const context = await browser.newContext();
  const pages = await crawl(context, server.origin);
  const formPages = {};
  let trackPage = null;
  for (const p of pages.filter((p) => p.status === 200 && p.type.startsWith('text/html'))) {
    const page = await context.newPage();
    await page.goto(server.origin + p.path);
    const actions = await page.$$eval('form[action]', (forms) => forms.map((f) => new URL(f.action).pathname));
    await page.close();
    for (const action of actions) {
      const form = action.match(/^\/api\/forms\/([^/]+)$/)?.[1];
      if (form) formPages[form] ??= p.path;
      if (action === '/api/track') trackPage ??= p.path;
    }
  }
  await context.close();
  setups.push({ site, server, definitions: formDefinitions(site.content), formPages, trackPage });
}

/** Saves the page's HTML as the service sent it, for the HTML checker. */
async function keep(site, name, response) {
  const file = join(artifacts('answers', site.name), `${name}.html`);
  writeFileSync(file, await response.text());
  answerPages.push(file);
}

/** Opens a page of the site in a fresh browser context of the given mode. */
async function open(server, mode, path) {
  const context = await browser.newContext({ javaScriptEnabled: mode.javaScriptEnabled, viewport: { width: 375, height: 800 } });
  const page = await context.newPage();
  await page.goto(server.origin + path, { waitUntil: 'load' });
  return { context, page };
}

/** The Markdown-free first line of what the definition says happens next. */
function nextSteps(definition) {
  return western(firstParagraph(definition.next_steps));
}

/**
 * The answer a person sees on `page`, checked like every page: axe and contrast. axe works with
 * timers, which never fire in a page with JavaScript off, so there the same HTML is audited in
 * a page with JavaScript on, at the same address (its style sheets load from the same server).
 */
async function auditAnswer(page, what, mode) {
  const audit = async (audited) => {
    const violations = await axeViolations(audited);
    assert.deepEqual(violations, [], `${what}: ${JSON.stringify(violations, null, 2)}`);
    const { checked, failures } = await audited.evaluate(lowContrastInPage);
    assert.ok(checked > 0, `${what}: no text was measured`);
    assert.deepEqual(failures, [], `${what}: ${JSON.stringify(failures, null, 2)}`);
  };
  await (mode.javaScriptEnabled ? audit(page) : inScriptedCopy(page, audit));
}

/** The definition's contact field (the phone asked for again on follow-up), if any. */
function contactField(definition) {
  return definition.fields.find((f) => f.contact && (f.type === 'phone' || f.type === 'email'));
}

for (const { site, server, definitions, formPages, trackPage } of setups) {
  describe(`${site.name} site: forms`, () => {
    test('every form of the content is on a page of the site, and so is the follow-up form', () => {
      assert.deepEqual(Object.keys(formPages).sort(), Object.keys(definitions).sort());
      assert.ok(trackPage, 'no page has the follow-up form (posting to /api/track)');
    });

    for (const mode of MODES) {
      for (const [id, definition] of Object.entries(definitions)) {
        describe(`${id} ${mode.name}`, () => {
          const path = formPages[id];
          const action = `/api/forms/${id}`;
          const tag = `${id}-${mode.javaScriptEnabled ? 'js' : 'nojs'}`;

          test('a good submission is stored, confirmed with what happens next, and can be followed up', async (t) => {
            const before = await records(site, id);
            const answers = goodAnswers(definition);
            const { context, page } = await open(server, mode, path);
            try {
              const form = formPosting(page, action);
              await fill(form, answers);
              const response = await submit(page, form);
              assert.ok(response, 'submitting the form leads to an answer page');
              await keep(site, `${tag}-received`, response);
              assert.equal(response.status(), 200, 'the confirmation answers 200');
              const text = await visibleText(page);
              assert.ok(text.includes(nextSteps(definition)), `the confirmation does not say what happens next («${nextSteps(definition)}»)`);
              const after = await records(site, id);
              assert.equal(after.length, before.length + 1, 'one record is added to the store');
              const record = after.find((r) => !before.some((b) => b.code === r.code));
              assert.equal(record.status, 'received');
              const contact = contactField(definition);
              if (contact?.type === 'phone') {
                const stored = JSON.stringify(record.values[contact.name]);
                assert.ok(stored.includes(`+966${answers[contact.name].mobile.slice(1)}`), `the phone typed in Arabic-Indic digits is stored in E.164: ${stored}`);
              }
              await auditAnswer(page, 'the confirmation', mode);

              if (!definition.trackable) {
                assert.ok(!TRACKING_CODE.test(text), 'a form that is not trackable shows no tracking code');
                return;
              }
              const code = text.match(TRACKING_CODE)?.[0];
              assert.ok(code, 'the confirmation shows a tracking code');
              assert.equal(record.code, code, 'the code shown is the stored record\'s');
              assert.ok(contact, 'a trackable form has a contact field');
              // Following the request up: the code and the phone number (typed again, in
              // Arabic-Indic digits) show its status.
              await page.goto(server.origin + trackPage, { waitUntil: 'load' });
              const track = formPosting(page, '/api/track');
              await fillTrack(track, code, answers[contact.name].typed);
              const status = await submit(page, track);
              await keep(site, `${tag}-status`, status);
              assert.equal(status.status(), 200);
              const statusText = await visibleText(page);
              assert.ok(statusText.includes(RECEIVED), `the follow-up does not show the status «${RECEIVED}»`);
              assert.ok(statusText.includes(code), 'the follow-up names the request by its code');
              await auditAnswer(page, 'the follow-up', mode);

              // The same code with another phone number shows nothing of the request.
              await page.goto(server.origin + trackPage, { waitUntil: 'load' });
              await fillTrack(formPosting(page, '/api/track'), code, arabicIndic('0599999999'));
              const refused = await submit(page, formPosting(page, '/api/track'));
              await keep(site, `${tag}-status-refused`, refused);
              const refusedText = await visibleText(page);
              assert.ok(!refusedText.includes(RECEIVED), 'a wrong phone number must not show the status');
              t.diagnostic(`code ${code}`);
            } finally {
              await context.close();
            }
          });

          test('wrong answers: a summary at the top links to each field, the message is beside it, answers are kept', async () => {
            const before = (await records(site, id)).length;
            const good = goodAnswers(definition);
            const bad = badAnswers(definition);
            assert.ok(Object.keys(bad).length > 0, 'the form has fields that can be answered wrongly');
            // Half the fields wrong, the others right, so that both kinds are seen afterwards.
            const answers = { ...good };
            const wrong = Object.keys(bad).filter((_, i) => i % 2 === 0);
            for (const name of wrong) answers[name] = { ...good[name], ...bad[name] };
            const { context, page } = await open(server, mode, path);
            try {
              const form = formPosting(page, action);
              await fill(form, answers);
              const response = await submit(page, form);
              if (response) await keep(site, `${tag}-invalid`, response);
              // Kept briefly and flagged as spam (a browser's autofill may have filled it), never
              // among the requests staff work through.
              assert.equal((await records(site, id)).length, before, 'nothing new in staff lists');

              const report = await page.evaluate((names) => {
                const summary = document.querySelector('[role=alert], .error-summary, [data-error-summary]');
                const main = document.querySelector('main') ?? document.body;
                const form = document.querySelector('main form');
                const links = summary ? [...summary.querySelectorAll('a[href^="#"]')] : [];
                const fields = {};
                for (const name of names) {
                  const control = document.querySelector(`[name="${name}"]`);
                  if (!control) continue;
                  const group = control.closest('fieldset') ?? control;
                  const described = [
                    ...(control.getAttribute('aria-describedby') ?? '').split(/\s+/),
                    ...(group.getAttribute('aria-describedby') ?? '').split(/\s+/),
                  ]
                    .filter(Boolean)
                    .map((id) => document.getElementById(id)?.textContent ?? '')
                    .join(' ');
                  fields[name] = {
                    ids: [control.id, group.id].filter(Boolean),
                    invalid: control.getAttribute('aria-invalid') ?? group.getAttribute('aria-invalid'),
                    described,
                  };
                }
                return {
                  summaryAtTop: !!summary && (!form || !!(summary.compareDocumentPosition(form) & Node.DOCUMENT_POSITION_FOLLOWING)) && main.contains(summary),
                  focusedSummary: !!summary && (document.activeElement === summary || summary.contains(document.activeElement)),
                  links: links.map((a) => ({ target: decodeURIComponent(a.hash.slice(1)), text: a.textContent.trim() })),
                  fields,
                };
              }, Object.keys(bad));
              assert.ok(report.summaryAtTop, 'an error summary stands at the top of the main content, above the form');
              const digitsFree = (s) => western(s ?? '').replace(/\s+/g, ' ').trim();
              for (const name of wrong) {
                const field = report.fields[name];
                assert.ok(field, `the answer page still has the field ${name}`);
                const link = report.links.find((l) => field.ids.includes(l.target));
                assert.ok(link, `the summary links to the field ${name}`);
                const expected = bad[name].message;
                if (expected) assert.equal(digitsFree(link.text), digitsFree(expected), `the summary's message for ${name}`);
                assert.ok(digitsFree(field.described).includes(digitsFree(link.text)), `the message for ${name} is beside the field (aria-describedby): «${field.described}»`);
                assert.equal(field.invalid, 'true', `${name} is marked aria-invalid`);
              }
              assert.equal(report.links.length, wrong.length, `one summary entry per wrong answer: ${JSON.stringify(report.links)}`);

              // Answers are kept: every field, right or wrong, holds what was typed or chosen.
              const values = await formPosting(page, action).evaluate(valuesInPage);
              for (const [name, answer] of Object.entries(answers)) {
                const want = answer.value ?? answer.typed;
                const got = values[name];
                if (Array.isArray(want)) assert.deepEqual(got, want, `the choice of ${name} is kept`);
                else assert.equal(western(got ?? ''), western(want), `the answer to ${name} is kept`);
              }

              // Each summary link takes the keyboard to its field.
              for (const link of report.links) {
                await page.locator(`a[href="#${encodeURIComponent(link.target)}"], a[href="#${link.target}"]`).first().click();
                const focused = await page.evaluate(() => ({ id: document.activeElement?.id, name: document.activeElement?.getAttribute('name') }));
                const field = Object.entries(report.fields).find(([, f]) => f.ids.includes(link.target));
                assert.ok(focused.id === link.target || focused.name === field?.[0], `following «${link.text}» focuses its field (focus is on ${JSON.stringify(focused)})`);
              }
              await auditAnswer(page, 'the page with errors', mode);
            } finally {
              await context.close();
            }
          });

          test('a double click and a refresh of the confirmation store one record', async () => {
            const before = (await records(site, id)).length;
            const { context, page } = await open(server, mode, path);
            try {
              const form = formPosting(page, action);
              await fill(form, goodAnswers(definition));
              const response = await submit(page, form, { double: true });
              assert.ok(response, 'submitting the form leads to an answer page');
              assert.equal(response.status(), 200);
              const first = (await visibleText(page)).match(TRACKING_CODE)?.[0] ?? null;
              assert.equal((await records(site, id)).length, before + 1, 'a double click stores one record');
              // The browser's refresh sends the same answers again.
              const again = await page.reload({ waitUntil: 'load' });
              assert.equal(again.request().method(), 'POST', 'the refresh sends the form again');
              assert.equal(again.status(), 200);
              const second = (await visibleText(page)).match(TRACKING_CODE)?.[0] ?? null;
              assert.equal(second, first, 'the refreshed confirmation shows the same tracking code');
              assert.equal((await records(site, id)).length, before + 1, 'a refresh stores nothing more');
            } finally {
              await context.close();
            }
          });

          test('the honeypot filled in keeps the record out of staff lists', async () => {
            const before = (await records(site, id)).length;
            const { context, page } = await open(server, mode, path);
            try {
              const form = formPosting(page, action);
              const hidden = await form.evaluate(hiddenControlsInPage);
              const traps = hidden.filter((h) => h.unseen && !definition.fields.some((f) => f.name === h.name));
              assert.equal(traps.length, 1, `the form has one honeypot field, hidden from people: ${JSON.stringify(hidden)}`);
              await fill(form, goodAnswers(definition));
              // A robot fills every field it finds.
              await form.locator(`[name="${traps[0].name}"]`).evaluate((el) => {
                el.value = 'https://spam.example/';
              });
              const response = await submit(page, form);
              if (response) await keep(site, `${tag}-honeypot`, response);
              // Kept briefly and flagged as spam (a browser's autofill may have filled it), never
              // among the requests staff work through.
              assert.equal((await records(site, id)).length, before, 'nothing new in staff lists');
            } finally {
              await context.close();
            }
          });
        });
      }
    }
  });
}

test('the service\'s answer pages are valid HTML (Nu HTML Checker)', async () => {
  assert.ok(answerPages.length > 0, 'the form tests saved answer pages');
  const errors = await htmlErrors(answerPages);
  const report = errors.map((e) => `${e.file}:${e.line}:${e.column}: ${e.message}\n    ${e.extract}`);
  assert.deepEqual(report, [], report.join('\n'));
});
