// What a beneficiary types into a form: read from the site's own form definitions
// (content/forms/*.yaml), so the tests follow the content. Arabic text, phone numbers typed in
// Arabic-Indic digits, national ID numbers with a right check digit.
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'yaml';

const ARABIC_INDIC = '٠١٢٣٤٥٦٧٨٩';

/** `text` with its Western digits written as Arabic-Indic ones. */
export function arabicIndic(text) {
  return text.replace(/[0-9]/g, (d) => ARABIC_INDIC[Number(d)]);
}

/** `text` with its Arabic-Indic digits written as Western ones. */
export function western(text) {
  return text.replace(/[٠-٩]/g, (d) => String(ARABIC_INDIC.indexOf(d)));
}

/** The Luhn check digit of a string of Western digits. */
export function luhnDigit(digits) {
  let sum = 0;
  [...digits].reverse().forEach((c, i) => {
    let d = Number(c);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  });
  return String((10 - (sum % 10)) % 10);
}

let serial = 0;
/**
 * A different Saudi mobile number at each call, Western digits: `055` and seven more (`055` is
 * an operator's prefix; not every `05x` is, and libphonenumber refuses those that are not).
 */
export function newMobile() {
  serial += 1;
  const tail = String((Date.now() * 7 + serial * 7919 + process.pid) % 1e7).padStart(7, '0');
  return `055${tail}`;
}

/** A valid national ID number: ten digits starting with 1, the last the Luhn check digit. */
export function nationalId() {
  const first = `1${String((Date.now() + serial) % 1e8).padStart(8, '0')}`;
  return first + luhnDigit(first);
}

/** The form definitions of a content folder, by form id: `{ id: { title, fields, ... } }`. */
export function formDefinitions(content) {
  const dir = join(content, 'forms');
  const forms = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    forms[basename(file, '.yaml')] = parse(readFileSync(join(dir, file), 'utf8'));
  }
  return forms;
}

/** An Arabic sentence of at least `min` and at most `max` characters. */
function arabicText(field, sentence) {
  let text = sentence;
  const min = field.min_length ?? 0;
  while ([...text].length < min) text += ` ${sentence}`;
  const max = field.max_length ?? 100;
  return [...text].slice(0, max).join('').trim();
}

let sets = 0;
/**
 * A good answer for every field of `form`: `{ name: { type, value, typed } }`, where `typed`
 * is what the person types (Arabic-Indic digits for the phone) and `value` the option(s) to
 * choose for choices and ratings. Each call's answers differ (phone, ID number, the long text):
 * the service rightly takes the same answers sent again from the same browser for the same
 * submission, so tests that mean to send a new one must not repeat an earlier one.
 */
export function goodAnswers(form) {
  sets += 1;
  const answers = {};
  for (const field of form.fields) {
    const answer = { type: field.type, field };
    switch (field.type) {
      case 'text':
        answer.typed = arabicText(field, 'نورة عبدالله القحطاني');
        break;
      case 'textarea':
        answer.typed = arabicText(field, `${arabicIndic(String(sets))}- أرجو مساعدتي في التسجيل في البرنامج القادم، وشكرًا لكم على جهودكم.`);
        break;
      case 'phone':
        answer.mobile = newMobile();
        answer.typed = arabicIndic(answer.mobile);
        break;
      case 'email':
        answer.typed = 'noura@example.org';
        break;
      case 'national_id':
        answer.typed = nationalId();
        break;
      case 'date':
        answer.typed = '2025-10-20';
        break;
      case 'code':
        // An earlier tracking code, checked for its form only (as a person copies it, lower case).
        answer.typed = 'k7m4-q9tx-3hrp';
        break;
      case 'choice':
        // A choice that another field's `required_if` names gets an answer that asks for that
        // field, so that every field of the form is shown and answered.
        answer.value = [asking(form, field)[0] ?? field.options[0].value];
        break;
      case 'rating':
        answer.value = [String(field.scale ?? 5)];
        break;
      default:
        throw new Error(`field ${field.name}: unknown type ${field.type}`);
    }
    answers[field.name] = answer;
  }
  return answers;
}

/** The answers of the choice `field` for which some field of `form` is required (`required_if`). */
export function asking(form, field) {
  return form.fields.filter((f) => f.required_if?.field === field.name).flatMap((f) => f.required_if.any_of);
}

/**
 * Wrong answers for the fields that can be wrong, each with the message the definition gives
 * (or null when the definition leaves it to the default): required fields left empty, a phone
 * number too short, an ID with a wrong check digit, a text below its minimum length. A field
 * with `required_if` is answered wrongly as if its condition were met (goodAnswers meets it).
 */
export function badAnswers(form) {
  const bad = {};
  for (const field of form.fields) {
    const messages = field.messages ?? {};
    // Leaving empty a choice that other fields depend on would take those fields away (they are
    // not asked for then); conditional.test.js covers them.
    if (asking(form, field).length > 0) continue;
    if (field.type === 'phone') {
      bad[field.name] = { typed: arabicIndic('05012'), message: messages.invalid ?? null };
    } else if (field.type === 'national_id') {
      const first = '101234567';
      const wrong = String((Number(luhnDigit(first)) + 1) % 10);
      bad[field.name] = { typed: first + wrong, message: messages.invalid ?? null };
    } else if (field.type === 'email') {
      bad[field.name] = { typed: 'noura@', message: messages.invalid ?? null };
    } else if ((field.type === 'textarea' || field.type === 'text') && field.min_length > 1) {
      bad[field.name] = { typed: [...'لا'.repeat(field.min_length)].slice(0, field.min_length - 1).join(''), message: messages.too_short ?? null };
    } else if (field.required) {
      bad[field.name] = { typed: '', value: [], message: messages.required ?? null };
    }
  }
  return bad;
}

/** The first paragraph of a Markdown text, as plain text (to find it on a page). */
export function firstParagraph(markdown) {
  const paragraph = (markdown ?? '').trim().split(/\n\s*\n/)[0] ?? '';
  return paragraph.replace(/[*_`#>[\]]/g, '').replace(/\(([^)]*)\)/g, '').replace(/\s+/g, ' ').trim();
}
