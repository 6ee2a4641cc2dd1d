// Using the site's forms the way a person does: typing into the fields the page shows, choosing
// options, pressing the submit button; and reading what the service answers.

/** The Crockford base-32 tracking code as shown to people, e.g. `K7M4-Q9TX-3HRP`. */
export const TRACKING_CODE = /[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}/;

/** The `<form>` on the page that posts to `path` (e.g. `/api/forms/request`). */
export function formPosting(page, path) {
  return page.locator(`form[action="${path}"], form[action$="${path}"]`).first();
}

/** Runs in the page: the names of the form's controls a person cannot see or reach (the honeypot). */
export function hiddenControlsInPage(form) {
  const out = [];
  for (const el of form.querySelectorAll('input[name], textarea[name], select[name]')) {
    if (el.type === 'hidden') continue;
    const rect = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    const offscreen = rect.right <= 0 || rect.left >= document.documentElement.scrollWidth || rect.bottom <= 0;
    const unseen = rect.width <= 1 || rect.height <= 1 || offscreen || style.visibility !== 'visible' || el.closest('[aria-hidden="true"], [hidden]') !== null;
    const unreachable = el.tabIndex < 0;
    if (unseen || unreachable) out.push({ name: el.name, unseen, unreachable, labelled: !!el.labels?.length });
  }
  return out;
}

/** Fills `form` with `answers` (from answers.js) as a person would: typing and ticking. */
export async function fill(form, answers) {
  for (const [name, answer] of Object.entries(answers)) {
    const controls = form.locator(`[name="${name}"]`);
    const count = await controls.count();
    if (count === 0) throw new Error(`the form has no field named ${name}`);
    const first = controls.first();
    const tag = await first.evaluate((el) => el.localName);
    const kind = await first.evaluate((el) => el.type);
    if (tag === 'select') {
      await first.selectOption(answer.value ?? []);
    } else if (kind === 'radio' || kind === 'checkbox') {
      for (let i = 0; i < count; i++) {
        const control = controls.nth(i);
        const wanted = (answer.value ?? []).includes(await control.getAttribute('value'));
        if (wanted) await control.check();
        else if (await control.isChecked()) await control.uncheck();
      }
    } else {
      await first.fill('');
      if (answer.typed) await first.pressSequentially(answer.typed);
    }
  }
}

/**
 * Fills the follow-up form `form` as a person does: the tracking code and the contact (phone) as
 * typed, into the fields a person can see and reach (never the honeypot).
 */
export async function fillTrack(form, code, contact) {
  const inputs = form.locator('input:not([type=hidden]):not([type=submit])');
  const names = await inputs.evaluateAll((els) => els.filter((e) => e.getClientRects().length && e.tabIndex >= 0).map((e) => e.name));
  const codeName = names.find((n) => /code/i.test(n));
  const contactName = names.find((n) => n !== codeName);
  if (!codeName || !contactName) throw new Error(`the follow-up form asks for a code and a contact: ${names.join(', ')}`);
  await form.locator(`[name="${codeName}"]`).fill(code);
  await form.locator(`[name="${contactName}"]`).pressSequentially(contact);
}

/** Runs in the page: the current value of every named control of `form`. */
export function valuesInPage(form) {
  const values = {};
  for (const el of form.querySelectorAll('input[name], textarea[name], select[name]')) {
    if (el.type === 'hidden') continue;
    if (el.type === 'radio' || el.type === 'checkbox') {
      values[el.name] ??= [];
      if (el.checked) values[el.name].push(el.value);
    } else {
      values[el.name] = el.value;
    }
  }
  return values;
}

/**
 * Presses the form's submit button (twice, quickly, when `double`) and waits for the answer
 * page. Resolves to the main document's response, or null when the page stayed (the script
 * answered in place). Without script a double click posts twice and the browser drops the first
 * navigation for the second, so then the last answer to arrive is the one shown.
 */
export async function submit(page, form, { double = false } = {}) {
  const button = form.locator('button[type="submit"], button:not([type]), input[type="submit"]').first();
  const navigations = [];
  const seen = (r) => {
    if (r.frame() === page.mainFrame() && r.request().isNavigationRequest()) navigations.push(r);
  };
  page.on('response', seen);
  try {
    const answered = page.waitForNavigation({ waitUntil: 'load', timeout: 15000 }).catch((e) => e);
    if (double) await button.dblclick();
    else await button.click();
    let response = await answered;
    if (response instanceof Error) {
      if (response.name === 'TimeoutError') return null;
      response = null; // interrupted by the second navigation of a double click
    }
    if (double || !response) {
      // Wait until no further answer has arrived for half a second.
      const deadline = Date.now() + 15000;
      let count = -1;
      while (Date.now() < deadline && (navigations.length === 0 || navigations.length !== count)) {
        count = navigations.length;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      response = navigations.at(-1) ?? response;
    }
    await page.waitForLoadState('load');
    return response;
  } finally {
    page.off('response', seen);
  }
}

/** The page's visible text, with Arabic-Indic digits read as Western ones. */
export async function visibleText(page) {
  const text = await page.evaluate(() => document.body.innerText);
  return text.replace(/[٠-٩]/g, (d) => String('٠١٢٣٤٥٦٧٨٩'.indexOf(d)));
}
