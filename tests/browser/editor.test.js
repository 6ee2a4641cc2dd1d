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
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import YAML from 'yaml';
import { REPO, artifacts, launch, sites } from './lib/setup.js';
import { serveSite } from './lib/server.js';
import { scratchSite, siteGen } from './lib/scratch.js';
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

/** The Markdown files of the editor's folders in `content`, as the repository holds them. */
function repositoryFiles(content, folder) {
  return ['policy', 'channels', 'eligibility', 'pages']
    .filter((dir) => existsSync(join(content, dir)))
    .flatMap((dir) =>
      readdirSync(join(content, dir))
        .filter((f) => f.endsWith('.md'))
        .map((f) => ({ path: `${folder}/${dir}/${f}`, text: readFileSync(join(content, dir, f), 'utf8') })),
    );
}

// Sveltia's test repository is the browser's origin-private file system, in this folder.
const TEST_REPO = 'sveltia-cms-test';

/** Writes `files` into the test repository of the page's origin. */
async function seed(page, files) {
  await page.evaluate(
    async ({ repo, files }) => {
      const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(repo, { create: true });
      for (const { path, text } of files) {
        const parts = path.split('/');
        let dir = root;
        for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part, { create: true });
        const writable = await (await dir.getFileHandle(parts.at(-1), { create: true })).createWritable();
        await writable.write(text);
        await writable.close();
      }
    },
    { repo: TEST_REPO, files },
  );
}

/** The files of a folder of the test repository, by name: what the editor saved. */
function savedFiles(page, folder) {
  return page.evaluate(
    async ({ repo, folder }) => {
      let dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(repo);
      for (const part of folder.split('/')) dir = await dir.getDirectoryHandle(part);
      const files = {};
      for await (const [name, handle] of dir.entries()) {
        if (handle.kind === 'file') files[name] = await (await handle.getFile()).text();
      }
      return files;
    },
    { repo: TEST_REPO, folder },
  );
}

describe(`the browser editor at /admin/ of the ${site.name} site`, () => {
  test('loads from the site alone, in Arabic and right to left; Arabic sections read right to left and are saved as check accepts them', async () => {
    assert.ok(
      existsSync(join(BUILT, 'editor.js')),
      'admin/dist/editor.js is missing: build it with .ci/build-editor (tests/steps/50-browser.sh does)',
    );
    const out = scratchSite(
      site.content,
      (copy) => appendFileSync(join(copy, 'site.yaml'), '\nadmin:\n  repo: example-org/site\n'),
      '--editor',
      BUILT,
    );
    const content = join(dirname(out), 'content');
    const configFile = join(out, 'admin', 'config.yml');
    const config = YAML.parse(readFileSync(configFile, 'utf8'));
    assert.deepEqual(config.backend, { name: 'github', repo: 'example-org/site', branch: 'main' });
    assert.equal(config.publish_mode, 'editorial_workflow');
    // The test only: Sveltia's test repository (in the browser) instead of GitHub, which has no
    // pull requests; it is filled with the site's files as the repository holds them.
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
    await seed(page, repositoryFiles(content, 'content'));
    await page.getByRole('button', { name: 'العمل مع مستودع تجريبي' }).click();
    // The collections the configuration names, labelled in Arabic, in a right-to-left interface.
    const navigation = page.getByText('قنوات التواصل', { exact: true }).first();
    await navigation.waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'ar');
    assert.equal(await navigation.evaluate((e) => getComputedStyle(e).direction), 'rtl');
    // Arabic from Sveltia's own translation (not a configured label): the bundled ar.json.
    await page.getByText('المجموعات', { exact: true }).first().waitFor();
    const sections = readdirSync(join(content, 'policy')).filter((f) => /^\d.*\.md$/.test(f)).sort();
    const first = readFileSync(join(content, 'policy', sections[0]), 'utf8');
    const firstTitle = first.match(/^title: (.*)$/m)[1];
    await page.getByText(firstTitle, { exact: true }).first().waitFor();
    // The icon font came from /admin/assets/: an icon is drawn as a glyph, not as its name.
    const iconFont = await page.evaluate(() => document.fonts.check('24px "Material Symbols Outlined"', 'add'));
    assert.ok(iconFont, 'the icon font is loaded');
    await page.screenshot({ path: join(shots, 'collections.png'), animations: 'disabled' });

    // An existing section: its Arabic title and text right to left in the fields and the preview.
    const name = sections[1].replace(/\.md$/, '');
    const existing = readFileSync(join(content, 'policy', sections[1]), 'utf8');
    const existingTitle = existing.match(/^title: (.*)$/m)[1];
    await page.evaluate((n) => {
      window.location.hash = `#/collections/policy/entries/${n}`;
    }, name);
    const title = page.getByRole('textbox', { name: 'العنوان' });
    await title.waitFor();
    assert.equal(await title.inputValue(), existingTitle);
    assert.equal(await title.evaluate((e) => getComputedStyle(e).direction), 'rtl', 'the title field');
    const body = page.getByRole('textbox', { name: 'نص القسم كما في السياسة حرفيًا' });
    const added = 'وتراجع الجمعية هذه السياسة سنويًا (رقم 0501234567).';
    await body.locator('p').last().click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(` ${added}`);
    const paragraph = body.locator('p', { hasText: added });
    assert.equal(await paragraph.evaluate((e) => getComputedStyle(e).direction), 'rtl', 'the Markdown paragraph');
    for (const text of [existingTitle, added]) {
      const shown = page.getByText(text).filter({ hasNot: page.locator('input') }).last();
      await shown.waitFor();
      assert.equal(await shown.evaluate((e) => getComputedStyle(e).direction), 'rtl', `the preview of «${text}»`);
    }
    await page.screenshot({ path: join(shots, 'section.png'), animations: 'disabled' });
    await page.getByRole('button', { name: 'حفظ' }).click();
    await page.getByText(/تم حفظ/).first().waitFor();
    // Until its notice is gone, the next save's «تم حفظ» would be found at once, before that save
    // is made, and the new section left unsaved.
    await page.getByText(/تم حفظ/).first().waitFor({ state: 'hidden' });

    // A new section, named in Arabic.
    await page.evaluate(() => {
      window.location.hash = '#/collections/policy/new';
    });
    await title.fill(TITLE);
    await body.click();
    await page.keyboard.type(PARAGRAPH);
    assert.equal(await title.evaluate((e) => getComputedStyle(e).direction), 'rtl', 'the new title');
    await page.getByRole('button', { name: 'حفظ' }).click();
    await page.getByText(/تم حفظ/).first().waitFor();
    await page.evaluate(() => {
      window.location.hash = '#/collections/policy';
    });
    await page.getByText(TITLE).first().waitFor();
    await page.getByText(/تم حفظ/).first().waitFor({ state: 'hidden' });
    // The list is by title: the new section is brought into view for the README's screenshot.
    await page.getByText(TITLE).first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'saved.png'), animations: 'disabled' });

    // The policy's own data (_index.md): a new version number, the approval left as it was.
    await page.evaluate(() => {
      window.location.hash = '#/collections/policy/entries/_index';
    });
    const version = page.getByRole('textbox', { name: 'الإصدار' });
    await version.fill('1.1');
    await page.getByRole('button', { name: 'حفظ' }).click();
    await page.getByText(/تم حفظ/).first().waitFor();

    // What the editor wrote: the edited section, the new one and the policy's data, which
    // site-gen check accepts.
    const saved = await savedFiles(page, 'content/policy');
    const index = YAML.parse(saved['_index.md'].split(/^---$/m)[1]);
    const before = YAML.parse(readFileSync(join(content, 'policy', '_index.md'), 'utf8').split(/^---$/m)[1]);
    assert.equal(index.version, '1.1', 'a string, as check reads it');
    assert.deepEqual(index.approval, before.approval);
    writeFileSync(join(content, 'policy', '_index.md'), saved['_index.md']);
    assert.match(saved[sections[1]], new RegExp(added.replace(/[()]/g, '\\$&')));
    assert.match(saved[sections[1]], /^---\ntitle: /);
    const created = Object.keys(saved).filter((f) => !sections.includes(f) && f !== '_index.md');
    assert.equal(created.length, 1, `one new file: ${created}`);
    assert.match(created[0], /^[\u0600-\u06FF0-9-]+\.md$/, 'named from its Arabic title');
    assert.match(saved[created[0]], new RegExp(PARAGRAPH));
    assert.doesNotMatch(saved[created[0]], /^(slug|role): *$/m, 'no empty optional key');
    for (const file of [sections[1], created[0]]) writeFileSync(join(content, 'policy', file), saved[file]);
    siteGen('check', '--site', content, '--templates', join(REPO, 'templates'));

    assert.deepEqual(elsewhere, [], 'no request to another host');
    assert.deepEqual(violations, [], 'no Content-Security-Policy violation');
    await context.close();
  });
});
