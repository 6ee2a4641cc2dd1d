// Data minimisation and follow-up, as a person meets them on both sites: a field required only
// for some answers of another (`required_if`, such as the national ID for the categories whose
// eligibility needs it) says so in words without JavaScript and is shown, required, only for
// those answers with it; a value typed for it under another answer is not stored; and a request
// is followed up with the e-mail given with it, typed in another case, as well as with the phone.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, sites } from './lib/setup.js';
import { serveSite } from './lib/server.js';
import { records } from './lib/store.js';
import { formDefinitions, goodAnswers, western } from './lib/answers.js';
import { TRACKING_CODE, fill, formPosting, submit, visibleText } from './lib/forms.js';

const RECEIVED = 'تم الاستلام';
const MODES = [
  { name: 'without JavaScript', javaScriptEnabled: false },
  { name: 'with JavaScript', javaScriptEnabled: true },
];

const browser = await launch();
const servers = [];
after(async () => {
  await browser.close();
  await Promise.all(servers.map((s) => s.close()));
});

async function open(server, mode, path) {
  const context = await browser.newContext({ javaScriptEnabled: mode.javaScriptEnabled, viewport: { width: 375, height: 800 } });
  const page = await context.newPage();
  await page.goto(server.origin + path, { waitUntil: 'load' });
  return { context, page };
}

/** Every `[form, field, other]` of the site where `field` has `required_if` on the choice `other`. */
function conditionals(definitions) {
  const out = [];
  for (const [id, form] of Object.entries(definitions)) {
    for (const field of form.fields.filter((f) => f.required_if)) {
      out.push([id, form, field, form.fields.find((f) => f.name === field.required_if.field)]);
    }
  }
  return out;
}

/** What the field's control shows and says, read in the page. */
function stateOf(page, name) {
  return page.evaluate((name) => {
    const control = document.querySelector(`[name="${name}"]`);
    const group = control.closest('[data-required-if]');
    const described = (control.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean)
      .map((id) => document.getElementById(id)?.textContent.trim() ?? '').join(' ');
    return {
      visible: control.getClientRects().length > 0 && !control.closest('[hidden]'),
      disabled: control.disabled,
      required: control.getAttribute('aria-required'),
      described,
      focused: document.activeElement?.name ?? null,
      focusedValue: document.activeElement?.value ?? null,
      announced: document.querySelector('[data-condition-status]')?.textContent ?? '',
      grouped: !!group,
    };
  }, name);
}

for (const site of sites()) {
  const server = await serveSite(site.root, site.api);
  servers.push(server);
  const definitions = formDefinitions(site.content);
  const cases = conditionals(definitions);

  // Qana asks its one sensitive field of every request: only the default site has such a field.
  describe(`${site.name} site: a field asked for only for some answers`, () => {
    if (cases.length === 0) test.skip(`${site.name}: no field of its forms is asked for only for some answers`);

    for (const [id, form, field, other] of cases) {
      const asking = other.options.filter((o) => field.required_if.any_of.includes(o.value));
      const notAsking = other.options.filter((o) => !field.required_if.any_of.includes(o.value));
      const path = `/forms/${id}/`;
      const action = `/api/forms/${id}`;
      const required = field.messages?.required;

      test(`${id}: without JavaScript, «مطلوب إذا …» names the answers; required for them only, and kept for them only`, async () => {
        const mode = MODES[0];
        const { context, page } = await open(server, mode, path);
        try {
          let state = await stateOf(page, field.name);
          assert.ok(state.visible && state.grouped, 'the field is on the page');
          assert.equal(state.required, null, 'not marked required before an answer is chosen');
          assert.ok(state.described.includes('مطلوب إذا اخترت'), `the field says when it is required: «${state.described}»`);
          for (const o of asking) assert.ok(state.described.includes(`«${o.label}»`), `it names «${o.label}»`);
          assert.ok(state.described.includes(`«${other.label}»`), `it names the field «${other.label}»`);
          for (const o of notAsking) assert.ok(!state.described.includes(`«${o.label}»`), `it does not name «${o.label}»`);

          // An answer that asks for it, the field left empty: the form comes back saying so.
          const before = await records(site, id);
          const answers = goodAnswers(form);
          answers[other.name] = { ...answers[other.name], value: [asking[0].value] };
          const empty = { ...answers, [field.name]: { ...answers[field.name], typed: '' } };
          let response = await submit(page, await filled(page, action, empty));
          assert.equal(response.status(), 422);
          const text = western(await visibleText(page));
          if (required) assert.ok(text.includes(western(required)), `the message «${required}» is shown`);
          assert.equal((await records(site, id)).length, before.length, 'nothing is stored');

          // Given: stored with it.
          response = await submit(page, await filled(page, action, answers));
          assert.equal(response.status(), 200);
          let stored = await latest(site, id, before);
          assert.ok(stored.values[field.name], `${field.name} is stored for «${asking[0].label}»`);

          // Another answer, with a value typed anyway: stored without it.
          if (notAsking.length) {
            await page.goto(server.origin + path, { waitUntil: 'load' });
            const then = await records(site, id);
            const typedAnyway = goodAnswers(form);
            typedAnyway[other.name] = { ...typedAnyway[other.name], value: [notAsking[0].value] };
            response = await submit(page, await filled(page, action, typedAnyway));
            assert.equal(response.status(), 200, 'not required for another answer');
            stored = await latest(site, id, then);
            assert.equal(stored.values[field.name], undefined, `${field.name} is not stored for «${notAsking[0].label}»`);
          }
        } finally {
          await context.close();
        }
      });

      test(`${id}: with JavaScript, shown and required only while an answer that asks for it is chosen`, async () => {
        const mode = MODES[1];
        const { context, page } = await open(server, mode, path);
        try {
          let state = await stateOf(page, field.name);
          assert.equal(state.visible, false, 'hidden until an answer is chosen');
          assert.equal(state.disabled, true, 'and nothing is sent for it');
          const radio = (value) => formPosting(page, action).locator(`[name="${other.name}"][value="${value}"]`);

          await radio(asking[0].value).check();
          state = await stateOf(page, field.name);
          assert.ok(state.visible, `shown for «${asking[0].label}»`);
          assert.equal(state.disabled, false);
          assert.equal(state.required, 'true', 'marked aria-required');
          assert.equal(state.focused, other.name, 'the focus stays on the answer chosen');
          assert.equal(state.focusedValue, asking[0].value);
          assert.ok(state.announced.includes(field.label.replace(/ \(اختياري\)$/, '')), `the change is announced: «${state.announced}»`);

          if (notAsking.length) {
            await radio(notAsking[0].value).check();
            state = await stateOf(page, field.name);
            assert.equal(state.visible, false, `hidden for «${notAsking[0].label}»`);
            assert.equal(state.disabled, true);
            assert.equal(state.focused, other.name, 'the focus stays on the answer chosen');

            // Sent with that answer: stored, without the field.
            const before = await records(site, id);
            const answers = goodAnswers(form);
            answers[other.name] = { ...answers[other.name], value: [notAsking[0].value] };
            delete answers[field.name];
            const response = await submit(page, await filled(page, action, answers));
            assert.equal(response.status(), 200);
            const stored = await latest(site, id, before);
            assert.equal(stored.values[field.name], undefined, 'nothing stored for it');
          }

          // Back to an answer that asks for it, left empty: the service's answer shows it, with its message.
          await page.goto(server.origin + path, { waitUntil: 'load' });
          const answers = goodAnswers(form);
          answers[other.name] = { ...answers[other.name], value: [asking[0].value] };
          answers[field.name] = { ...answers[field.name], typed: '' };
          const response = await submit(page, await filled(page, action, answers));
          assert.equal(response.status(), 422);
          state = await stateOf(page, field.name);
          assert.ok(state.visible && state.required === 'true', 'the field is shown, required, on the answer page');
          if (required) assert.ok(western(state.described).includes(western(required)), `its message is beside it: «${state.described}»`);
        } finally {
          await context.close();
        }
      });
    }
  });

  describe(`${site.name} site: following a request up with the e-mail given`, () => {
    const tracked = Object.entries(definitions).filter(([, f]) => f.trackable && f.fields.some((x) => x.type === 'email' && x.contact));
    test('a trackable form takes an e-mail to follow up with', () => assert.ok(tracked.length > 0));

    for (const mode of MODES) {
      for (const [index, [id, form]] of tracked.entries()) {
        test(`${id} ${mode.name}: the e-mail, typed in another case with spaces, shows the status`, async () => {
          const email = form.fields.find((f) => f.type === 'email' && f.contact);
          const answers = goodAnswers(form);
          const address = `noura.${mode.javaScriptEnabled ? 'js' : 'nojs'}.${Date.now()}@Example.org`;
          answers[email.name] = { ...answers[email.name], typed: address };
          const { context, page } = await open(server, mode, `/forms/${id}/`);
          try {
            const response = await submit(page, await filled(page, `/api/forms/${id}`, answers));
            assert.equal(response.status(), 200);
            const code = (await visibleText(page)).match(TRACKING_CODE)?.[0];
            assert.ok(code, 'the confirmation shows a tracking code');

            // A wrong contact is tried once per site only: failed follow-ups from one address are limited.
            const tries = [[`  ${address.toUpperCase()} `, true]];
            if (!mode.javaScriptEnabled && index === 0) tries.push([`other.${address}`, false]);
            for (const [contact, found] of tries) {
              await page.goto(server.origin + '/track/', { waitUntil: 'load' });
              const track = formPosting(page, '/api/track');
              await track.locator('[name="code"]').fill(code);
              await track.locator('[name="contact"]').fill(contact);
              const answer = await submit(page, track);
              const text = await visibleText(page);
              if (found) {
                assert.equal(answer.status(), 200, `«${contact}» finds the request`);
                assert.ok(text.includes(RECEIVED) && text.includes(code), 'the status of the request is shown');
              } else {
                assert.equal(answer.status(), 404, `«${contact}» finds nothing`);
                assert.ok(!text.includes(RECEIVED), 'nothing of the request is shown');
              }
            }
          } finally {
            await context.close();
          }
        });
      }
    }
  });
}

/** Fills the form posting to `action` with `answers` and returns it. */
async function filled(page, action, answers) {
  const form = formPosting(page, action);
  await fill(form, answers);
  return form;
}

/** The one record added to the store since `before` (the records then). */
async function latest(site, id, before) {
  const all = await records(site, id);
  assert.equal(all.length, before.length + 1, 'one record is added');
  return all.find((r) => !before.some((b) => b.code === r.code));
}
