// The browser editor at /admin/ (docs/browser-editing.md), on a copy of the default site given
// `admin:` in site.yaml and built with the editor (admin/dist, made by admin/build.mjs): the
// editor loads from the site alone under the Content-Security-Policy CloudFront gives /admin/
// (read from infra/template.yaml), with no request to any other host and no policy violation;
// its interface is in Arabic and right to left; an Arabic section typed into it reads right to
// left in its fields and in the preview. The GitHub sign-in is not needed: the test replaces the
// generated configuration's backend with Sveltia's in-memory test repository, after checking
// that site-gen generated the GitHub one. Screenshots for the README go to
// tests/artifacts/editor/ (docs/images/ holds copies).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { REPO, artifacts, launch, sites } from './lib/setup.js';
import { serveSite } from './lib/server.js';
import { scratchSite } from './lib/scratch.js';
import { ALLOWED_ORIGINS, loadedUrls } from '../../admin/build.mjs';

const BUILT = join(REPO, 'admin', 'dist');
const TITLE = 'مقدمة السياسة (رقم 0501234567)';
const PARAGRAPH = 'تلتزم الجمعية بالرد على كل طلب خلال مدة لا تقل عن أسبوعين.';

/** The Content-Security-Policy of /admin/ in infra/template.yaml, as a local server can send it. */
function editorPolicy() {
  const text = readFileSync(join(REPO, 'infra', 'template.yaml'), 'utf8');
  const resource = text.slice(text.indexOf('\n  EditorHeadersPolicy:'));
  const [, folded] = resource.match(/ContentSecurityPolicy: >-\n([\s\S]*?)\n\s*Override:/);
  // Over plain HTTP on this machine, as form-fn does locally: CloudFront serves HTTPS.
  return folded.replace(/\s+/g, ' ').replace(/;\s*upgrade-insecure-requests/, '').trim();
}

const browser = await launch();
const servers = [];
after(async () => {
  await browser.close();
  await Promise.all(servers.map((s) => s.close()));
});

const [site] = sites();

describe('the editor\'s build (admin/build.mjs)', () => {
  test('refuses what the editor would load from another host, and the built editor has none', () => {
    const loaded = [
      'const base = `https://cdn.example/@scope`;',
      'const pkg = `https://cdn.example/${name}@1.0.0`;',
      '@font-face { src: url(https://fonts.example/f/latin.woff2) format("woff2") }',
      '@import url("https://styles.example/theme.css");',
      'import("https://modules.example/x.mjs")',
      's.src = "https://scripts.example/widget.js";',
    ];
    for (const text of loaded) assert.notDeepEqual(loadedUrls(text), [], text);
    const allowed = [
      'fetch(`https://api.github.com/repos/${repo}/contents`)',
      'img.src = "https://avatars.githubusercontent.com/u/1.png";',
      '<a href="https://docs.example/en/guide">',
      'document.querySelector(`script[src="https://identity.example/v1/widget.js"]`)',
    ];
    for (const text of allowed) assert.deepEqual(loadedUrls(text), [], text);
    assert.deepEqual(ALLOWED_ORIGINS, ['https://api.github.com', 'https://avatars.githubusercontent.com']);
    assert.deepEqual(loadedUrls(readFileSync(join(BUILT, 'editor.js'), 'utf8')), []);
  });
});

describe(`the browser editor at /admin/ of the ${site.name} site`, () => {
  test('loads from the site alone, in Arabic and right to left, and an Arabic section reads right to left', async () => {
    assert.ok(
      existsSync(join(BUILT, 'editor.js')),
      'admin/dist/editor.js is missing: build it with `cd admin && npm ci && node build.mjs` (tests/steps/50-browser.sh does)',
    );
    const out = scratchSite(
      site.content,
      (copy) => appendFileSync(join(copy, 'site.yaml'), '\nadmin:\n  repo: example-org/site\n'),
      '--editor',
      BUILT,
    );
    const configFile = join(out, 'admin', 'config.yml');
    const config = YAML.parse(readFileSync(configFile, 'utf8'));
    assert.deepEqual(config.backend, { name: 'github', repo: 'example-org/site', branch: 'main' });
    assert.equal(config.publish_mode, 'editorial_workflow');
    // The test only: Sveltia's in-memory repository instead of GitHub (it has no pull requests).
    config.backend = { name: 'test-repo' };
    delete config.publish_mode;
    writeFileSync(configFile, YAML.stringify(config));

    const policy = editorPolicy();
    assert.doesNotMatch(policy, /unsafe-eval/);
    const server = await serveSite(out, undefined, (path) =>
      path === '/admin' || path.startsWith('/admin/') ? { 'content-security-policy': policy } : {},
    );
    servers.push(server);

    const context = await browser.newContext({ locale: 'ar-SA', viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const elsewhere = [];
    page.on('request', (r) => {
      const url = r.url();
      const own = url.startsWith(`${server.origin}/`) || url.startsWith(`blob:${server.origin}/`) || url.startsWith('data:');
      if (!own) elsewhere.push(url);
    });
    const violations = [];
    await page.exposeFunction('reportViolation', (v) => violations.push(v));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        window.reportViolation(`${e.violatedDirective} ${e.blockedURI}`),
      );
    });
    const shots = artifacts('editor');

    await page.goto(`${server.origin}/admin/`);
    await page.getByRole('button', { name: 'العمل مع مستودع تجريبي' }).click();
    // The collections the configuration names, labelled in Arabic, in a right-to-left interface.
    const navigation = page.getByText('قنوات التواصل', { exact: true }).first();
    await navigation.waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'ar');
    assert.equal(await navigation.evaluate((e) => getComputedStyle(e).direction), 'rtl');
    // Arabic from Sveltia's own translation (not a configured label): the bundled ar.json.
    await page.getByText('المجموعات', { exact: true }).first().waitFor();
    await page.getByText('لا توجد عناصر في هذه المجموعة بعد.').waitFor();
    // The icon font came from /admin/assets/: an icon is drawn as a glyph, not as its name.
    const iconFont = await page.evaluate(() => document.fonts.check('24px "Material Symbols Outlined"', 'add'));
    assert.ok(iconFont, 'the icon font is loaded');
    await page.screenshot({ path: join(shots, 'collections.png'), animations: 'disabled' });

    await page.evaluate(() => {
      window.location.hash = '#/collections/policy/new';
    });
    const title = page.getByRole('textbox', { name: 'العنوان' });
    await title.fill(TITLE);
    const body = page.getByRole('textbox', { name: 'نص القسم كما في السياسة حرفيًا' });
    await body.click();
    await page.keyboard.type(PARAGRAPH);
    assert.equal(await title.evaluate((e) => getComputedStyle(e).direction), 'rtl', 'the title field');
    const paragraph = body.locator('p', { hasText: PARAGRAPH });
    assert.equal(await paragraph.evaluate((e) => getComputedStyle(e).direction), 'rtl', 'the Markdown paragraph');
    assert.equal(await paragraph.evaluate((e) => getComputedStyle(e).textAlign), 'start');

    // The preview pane shows both, right to left.
    for (const text of [TITLE, PARAGRAPH]) {
      const shown = page.getByText(text, { exact: true }).filter({ hasNot: page.locator('input') }).last();
      await shown.waitFor();
      assert.equal(await shown.evaluate((e) => getComputedStyle(e).direction), 'rtl', `the preview of «${text}»`);
    }
    await page.screenshot({ path: join(shots, 'section.png'), animations: 'disabled' });

    await page.getByRole('button', { name: 'حفظ' }).click();
    await page.evaluate(() => {
      window.location.hash = '#/collections/policy';
    });
    await page.getByText(/تم حفظ/).first().waitFor();
    await page.getByText(TITLE).first().waitFor();
    await page.getByText(/تم حفظ/).first().waitFor({ state: 'hidden' });
    await page.screenshot({ path: join(shots, 'saved.png'), animations: 'disabled' });

    assert.deepEqual(elsewhere, [], 'no request to another host');
    assert.deepEqual(violations, [], 'no Content-Security-Policy violation');
    await context.close();
  });
});
