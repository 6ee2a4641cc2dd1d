// The staff inbox as a caseworker uses it on a 320 px phone, with JavaScript off and the keyboard
// alone: sign in (locally, through the one-time link the service printed in its log), find the
// new request in the list, open it, refer it to the official responsible, answer it with a new
// status and a message; then the beneficiary's follow-up page shows that message; last, a manager
// finds the beneficiary by phone on the data subjects' page and erases their records. Every staff
// page passes axe-core and the contrast check and does not scroll sideways. One test per step,
// in order, on one caseworker's page; a step whose earlier step failed is skipped.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifacts, launch, sites } from './lib/setup.js';
import { serveSite } from './lib/server.js';
import { axeViolations, inScriptedCopy, overflowInPage } from './lib/audit.js';
import { lowContrastInPage } from './lib/contrast.js';
import { fill, fillTrack, formPosting, submit, TRACKING_CODE, visibleText } from './lib/forms.js';
import { formDefinitions, goodAnswers } from './lib/answers.js';

const PHONE = { viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true, javaScriptEnabled: false };
/** How long one step may take on a loaded machine before it fails (instead of the file's 300 s). */
const STEP = { timeout: 90_000 };
/** How long one browser action may wait. */
const ACTION_MS = 30_000;

const browser = await launch();
const servers = [];
after(async () => {
  await browser.close();
  await Promise.all(servers.map((s) => s.close()));
});

/** The latest one-time sign-in link `site`'s service printed, as a path on the site's origin. */
function signInLink(site) {
  const log = readFileSync(site.log, 'utf8');
  const links = [...log.matchAll(/(\/api\/staff\/sign-in\/link\?token=[0-9a-f]+)/g)];
  assert.ok(links.length, `the service printed no sign-in link in ${site.log}`);
  return links.at(-1)[1];
}

/**
 * Presses Tab until `selector` has the focus (at most `limit` times); every stop on the way shows
 * that it has the focus (an outline, as the site's style sheet draws it).
 */
async function tabTo(page, selector, limit = 120) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate((s) => {
      const el = document.activeElement;
      if (!el || el === document.body) return { found: false, shown: true };
      const style = getComputedStyle(el);
      const shown = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1;
      return { found: el.matches(s), shown, html: el.outerHTML.slice(0, 120) };
    }, selector);
    assert.ok(focused.shown, `the focus is not shown on ${focused.html}`);
    if (focused.found) return;
  }
  assert.fail(`Tab never reached ${selector}`);
}

/** Presses Enter on the focused control and waits for the next page. */
async function enter(page) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
}

/**
 * The checks every staff page passes, at 320 px with JavaScript off: contrast and sideways
 * scrolling in the page itself; axe-core in a copy with JavaScript on (see inScriptedCopy).
 * A screenshot goes to tests/artifacts/staff/.
 */
async function audit(page, what, name) {
  await page.screenshot({ path: join(artifacts('staff'), `${name}.png`), fullPage: true });
  const { checked, failures } = await page.evaluate(lowContrastInPage);
  assert.ok(checked > 0, `${what}: no text was measured`);
  assert.deepEqual(failures, [], `${what}: low contrast\n${JSON.stringify(failures, null, 2)}`);
  const { scroll, elements } = await page.evaluate(overflowInPage);
  assert.ok(scroll <= 1, `${what} scrolls sideways at 320 px by ${scroll} px: ${elements.join(', ')}`);
  const violations = await inScriptedCopy(page, axeViolations);
  assert.deepEqual(violations, [], `${what}: axe-core violations\n${JSON.stringify(violations, null, 2)}`);
}

for (const site of sites()) {
  const server = await serveSite(site.root, site.api);
  servers.push(server);
  describe(`${site.name} site: the staff inbox on a phone, keyboard only, without JavaScript`, () => story(site, server));
}

/** The steps, in order, on `site` served by `server`. */
function story(site, server) {
  const definitions = formDefinitions(site.content);
  const [id, definition] = Object.entries(definitions).find(([, d]) => d.trackable);
  const contact = definition.fields.find((f) => f.contact && f.type === 'phone');
  const message = 'راجعنا طلبك، وسنتصل بك خلال يومين.';
  const note = 'يحتاج قرار المسؤول المختص';
  /** What the steps share: the beneficiary's page, answers and code; the caseworker's page. */
  const state = {};
  let failed = null;
  after(async () => {
    await state.beneficiary?.close();
    await state.staff?.close();
  });

  /** A step of the story: skipped once an earlier step failed. */
  function step(name, fn) {
    test(name, STEP, async (t) => {
      if (failed) return t.skip(`an earlier step failed: ${failed}`);
      try {
        await fn();
      } catch (error) {
        failed = name;
        for (const [who, page] of [['staff', state.page], ['beneficiary', state.bpage]]) {
          await page?.screenshot({ path: join(artifacts('staff'), `${site.name}-failed-${who}.png`), fullPage: true }).catch(() => {});
        }
        throw error;
      }
    });
  }

  step('a beneficiary sends a request that can be followed up', async () => {
    assert.ok(contact, 'the trackable form asks for a phone number');
    state.beneficiary = await browser.newContext({ javaScriptEnabled: false });
    state.beneficiary.setDefaultTimeout(ACTION_MS);
    state.bpage = await state.beneficiary.newPage();
    await state.bpage.goto(`${server.origin}/forms/${id}/`, { waitUntil: 'load' });
    state.answers = goodAnswers(definition);
    const form = formPosting(state.bpage, `/api/forms/${id}`);
    await fill(form, state.answers);
    await submit(state.bpage, form);
    state.code = (await visibleText(state.bpage)).match(TRACKING_CODE)?.[0];
    assert.ok(state.code, 'the confirmation shows a tracking code');
  });

  step('the inbox sends a caseworker who is not signed in to the sign-in page, which passes the checks', async () => {
    state.staff = await browser.newContext(PHONE);
    state.staff.setDefaultTimeout(ACTION_MS);
    state.page = await state.staff.newPage();
    const { page } = state;
    await page.goto(`${server.origin}/api/staff`, { waitUntil: 'load' });
    assert.equal(new URL(page.url()).pathname, '/api/staff/sign-in');
    assert.equal(await page.locator('h1').innerText(), 'دخول الموظفين');
    await audit(page, 'the sign-in page', `${site.name}-sign-in`);
  });

  step('the one-time link signs the caseworker in to the inbox, which lists the new request', async () => {
    const { page } = state;
    await page.goto(server.origin + signInLink(site), { waitUntil: 'load' });
    assert.equal(new URL(page.url()).pathname, '/api/staff');
    assert.equal(await page.locator('h1').innerText(), 'صندوق الطلبات');
    const row = page.locator('.case-list__item', { hasText: state.code });
    assert.equal(await row.count(), 1, 'the new request is listed once');
    assert.ok((await row.innerText()).includes('(اليوم)'), 'the new request is said to be received today');
    await audit(page, 'the inbox', `${site.name}-inbox`);
  });

  step('searching for the code, typed by keyboard in lower case, opens the case', async () => {
    const { page } = state;
    await tabTo(page, '#staff-q');
    await page.keyboard.type(state.code.toLowerCase());
    await enter(page);
    assert.ok(new URL(page.url()).pathname.startsWith('/api/staff/cases/'), `the search opens the case: ${page.url()}`);
    assert.ok((await visibleText(page)).includes(state.code), 'the case page names the request');
    await audit(page, 'the case page', `${site.name}-case`);
  });

  step('the caseworker refers the case to the official responsible, with a note', async () => {
    const { page } = state;
    await tabTo(page, '#case-to');
    await page.keyboard.type('official@example.org');
    await tabTo(page, '#case-refer');
    await page.keyboard.press('Space');
    assert.ok(await page.locator('#case-refer').isChecked(), 'Space ticks the referral');
    await tabTo(page, '#case-assign-note');
    await page.keyboard.type(note);
    await tabTo(page, 'form[action$="/assign"] button');
    await enter(page);
    const text = await visibleText(page);
    assert.ok(text.includes('حُوّل الطلب إلى المسؤول المختص'), 'the referral is confirmed');
    assert.ok(text.includes('official@example.org'), 'the case shows whom it was referred to');
    await audit(page, 'the case page after the referral', `${site.name}-case-referred`);
  });

  step('the caseworker answers with a new status and a message to the beneficiary', async () => {
    const { page } = state;
    await tabTo(page, '#case-status');
    const before = await page.locator('#case-status').inputValue();
    await page.keyboard.press('ArrowDown');
    assert.notEqual(await page.locator('#case-status').inputValue(), before, 'the arrow key chooses the next status');
    await tabTo(page, '#case-message');
    await page.keyboard.type(message);
    await tabTo(page, 'form[action$="/status"] button');
    await enter(page);
    const text = await visibleText(page);
    assert.ok(text.includes('حُفظت الحالة الجديدة'), 'the status change is confirmed');
    assert.ok(text.includes(message), 'the case page shows the message sent');
    await audit(page, 'the case page after the answer', `${site.name}-case-answered`);
  });

  step('the staff accounts page, from the staff bar, passes the checks', async () => {
    const { page } = state;
    await tabTo(page, 'a[href="/api/staff/staff"]');
    await enter(page);
    assert.equal(await page.locator('h1').innerText(), 'حسابات الموظفين');
    await audit(page, 'the staff accounts page', `${site.name}-accounts`);
  });

  step('the beneficiary\'s follow-up shows the message, not the internal note', async () => {
    const { bpage, answers, code } = state;
    await bpage.goto(`${server.origin}/track/`, { waitUntil: 'load' });
    const track = formPosting(bpage, '/api/track');
    await fillTrack(track, code, answers[contact.name].typed);
    await submit(bpage, track);
    const seen = await visibleText(bpage);
    assert.ok(seen.includes(message), 'the follow-up shows the staff\'s message');
    assert.ok(!seen.includes(note), 'the internal note is not shown to the beneficiary');
  });

  step('a manager finds the beneficiary by phone on the data subjects\' page, which passes the checks', async () => {
    const { page, answers } = state;
    await tabTo(page, 'a[href="/api/staff/people"]');
    await enter(page);
    assert.equal(await page.locator('h1').innerText(), 'طلبات أصحاب البيانات');
    await tabTo(page, '#people-who');
    await page.keyboard.type(answers[contact.name].typed);
    await enter(page);
    assert.equal(new URL(page.url()).search, '', 'the number is not in the address');
    const row = page.locator('.case-list__item', { hasText: state.code });
    assert.equal(await row.count(), 1, 'the request is among the person\'s records');
    await audit(page, 'the data subjects\' page', `${site.name}-people`);
  });

  step('the manager erases this request alone after a confirmation naming how many', async () => {
    const { page } = state;
    // Other test files send with the same phone number: their records are unticked, and stay.
    const bare = state.code.replaceAll('-', '');
    for (const box of await page.locator('input[name="code"]').all()) {
      if ((await box.getAttribute('value')) !== bare) await box.setChecked(false);
    }
    await tabTo(page, '#people-erase button', 400);
    await enter(page);
    const confirm = await visibleText(page);
    assert.ok(confirm.includes('سيُحذف سجل واحد نهائيًا'), `the confirmation names how many: ${confirm}`);
    await audit(page, 'the erasure\'s confirmation', `${site.name}-people-confirm`);
    await tabTo(page, 'form[action$="/erase"] button');
    await enter(page);
    const text = await visibleText(page);
    assert.ok(text.includes('حُذف نهائيًا'), 'the erasure is confirmed');
    assert.ok(text.includes(state.code), 'the page names the code erased');
    await audit(page, 'the erasure\'s result', `${site.name}-people-erased`);
  });
}
