// The public reports, on a copy of each site given a report file for its survey: the period's
// page passes axe-core and contrast, each chart is an image named by its title and described by
// its data, its bars start on the right and grow leftwards in proportion with the label to their
// right, the numbers are in the site's digits, the data is a table beside the chart, and the
// charts print.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { launch, sites } from './lib/setup.js';
import { serveSite } from './lib/server.js';
import { auditPage } from './lib/audit.js';
import { formDefinitions } from './lib/answers.js';
import { scratchSite } from './lib/scratch.js';

const browser = await launch();
const servers = [];
after(async () => {
  await browser.close();
  await Promise.all(servers.map((s) => s.close()));
});

/** The site's survey (its first form with a rating question) and that question. */
function survey(content) {
  for (const [id, form] of Object.entries(formDefinitions(content))) {
    const question = form.fields.find((f) => f.type === 'rating');
    if (question) return { id, question };
  }
  throw new Error('the site has no form with a rating question');
}

/** A report of the first quarter of 2026 (or of 1447 on a Hijri site) for the site's survey. */
function withReport(content) {
  const config = parse(readFileSync(join(content, 'site.yaml'), 'utf8'));
  const hijri = config.calendar === 'hijri';
  const { id, question } = survey(content);
  const scale = question.scale ?? 5;
  const distribution = Array.from({ length: scale }, (_, i) => 5 + 3 * i);
  const responses = distribution.reduce((a, b) => a + b, 0);
  const file = hijri ? '1447-Q1' : '2026-Q1';
  const out = scratchSite(content, (site) => {
    mkdirSync(join(site, 'data', 'reports'), { recursive: true });
    writeFileSync(
      join(site, 'data', 'reports', `${file}.yaml`),
      `calendar: ${hijri ? 'hijri' : 'gregorian'}\nsurvey:\n  form: ${id}\n  responses: ${responses}\n` +
        `  channels:\n    web: ${responses - 9}\n    in_person: 9\n` +
        `  questions:\n    - field: ${question.name}\n      distribution: [${distribution.join(', ')}]\n`,
    );
  });
  return { out, path: `/reports/${file}/`, digits: config.digits, distribution };
}

for (const site of sites()) {
  const { out, path, digits, distribution } = withReport(site.content);
  const server = await serveSite(out);
  servers.push(server);

  describe(`${site.name} site, with a report`, () => {
    test('the report page passes axe and contrast; its charts are named images drawn right to left beside their data', async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
      try {
        const page = await context.newPage();
        await page.goto(server.origin + '/reports/', { waitUntil: 'load' });
        await page.locator('main li a').first().click();
        await page.waitForURL(`**${path}`);
        const charts = await page.evaluate(() =>
          [...document.querySelectorAll('figure.chart')].map((figure) => {
            const svg = figure.querySelector('svg');
            const named = svg.getAttribute('aria-labelledby').split(' ').map((id) => document.getElementById(id)?.textContent);
            const box = (el) => el.getBoundingClientRect();
            const bars = [...svg.querySelectorAll('.chart__bar')].map((r) => ({ left: box(r).left, right: box(r).right }));
            const labels = [...svg.querySelectorAll('.chart__text:not(.chart__value):not(.chart__tick)')].map((t) => ({ left: box(t).left, text: t.textContent }));
            const values = [...svg.querySelectorAll('.chart__value')].map((t) => t.textContent);
            const rows = [...figure.querySelectorAll('tbody tr')].map((tr) => [...tr.cells].map((c) => c.textContent.trim()));
            return { role: svg.getAttribute('role'), named, bars, labels, values, rows, table: box(figure.querySelector('table')).right <= box(svg).left + 1 };
          }),
        );
        assert.equal(charts.length, 2, 'the channels and the question');
        for (const c of charts) {
          assert.equal(c.role, 'img');
          assert.ok(c.named.every((t) => t && t.length > 0), JSON.stringify(c.named));
          // Bars start together on the right, each label to the right of its bar.
          const rights = c.bars.map((b) => Math.round(b.right));
          assert.ok(Math.max(...rights) - Math.min(...rights) <= 1, JSON.stringify(c.bars));
          c.bars.forEach((b, i) => assert.ok(c.labels[i].left > b.right, `${c.labels[i].text} right of its bar`));
          // The table beside the chart (to its left, as the page reads right to left) holds the same values.
          assert.ok(c.table, 'the table is beside the chart on a wide screen');
          assert.deepEqual(c.rows.map((r) => r[1]), c.values);
        }
        // The distribution's bars grow in proportion, in the site's digits.
        const widths = charts[1].bars.map((b) => b.right - b.left);
        for (let i = 1; i < widths.length; i += 1) {
          const expected = widths[0] * (distribution[i] / distribution[0]);
          assert.ok(Math.abs(widths[i] - expected) < 1.5, `bar ${i + 1}: ${widths[i]} ≈ ${expected}`);
        }
        const digit = digits === 'arabic-indic' ? /^[\u0660-\u0669]+$/ : /^[0-9]+$/;
        for (const v of charts[1].values) assert.match(v, digit);
        await auditPage(page);
        // Printed, the charts are still drawn.
        await page.emulateMedia({ media: 'print' });
        const printed = await page.evaluate(() => [...document.querySelectorAll('.chart__svg')].map((s) => s.getBoundingClientRect().height));
        assert.ok(printed.every((h) => h > 40), JSON.stringify(printed));
      } finally {
        await context.close();
      }
    });
  });
}
