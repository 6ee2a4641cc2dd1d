// Builds the browser editor into dist/: Sveltia CMS's ESM build bundled by esbuild into one
// file, editor.js, with the files it loads beside it, so that /admin/ needs no host but the
// site's own (the page's Content-Security-Policy allows no other script, font or style host).
//
// - The translations: the ESM build imports them from its own locales/ folder, so they are
//   bundled (the prebuilt dist/ file fetches them from a package CDN instead).
// - The fonts (the interface's and the icon font), the image encoders and the HEIC worker: the
//   ESM build names them `new URL('assets/…', import.meta.url)`, so they are copied to
//   dist/assets/ and found beside editor.js.
// - The same fonts are also named in a style sheet of the interface, at a font CDN: those
//   url()s are pointed at the copies in assets/ (relative to the page, /admin/).
// - The code highlighter and the map widgets would load their code from a package CDN. The
//   generated configuration uses neither; their URLs are pointed at dist/unavailable/, which
//   does not exist, so that such a widget fails on the site rather than load a script from
//   elsewhere.
// - The code highlighter's grammars (8 MB of the 14.5) are left out: a language is an empty
//   grammar, so a code block in the Markdown editor is shown without colours. The content has
//   no code.
// Then every https:// URL left in the output that would be loaded (a script, a style sheet,
// a font, a module, or a package CDN's `host/@scope` or `host/${package}` form) fails the
// build, unless it is the GitHub backend's (ALLOWED_ORIGINS).
//
// Usage: node build.mjs [OUT_DIR]   (default dist/)
import { build } from 'esbuild';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] ?? join(here, 'dist'));
const cms = join(here, 'node_modules', '@sveltia', 'cms');

/** Origins the editor may load from at run time: the GitHub backend (its API, avatars). */
export const ALLOWED_ORIGINS = ['https://api.github.com', 'https://avatars.githubusercontent.com'];

/** A package CDN's URL base in a string: `https://host/@scope…` or `https://host/${package}`. */
const PACKAGE_CDN = /(["'`])https:\/\/[a-z0-9.-]+\/(?=@[a-z0-9-]+|\$\{)/g;

/** A font's url() at a font CDN: `url(https://host/…/fonts/NAME[:vf]@VERSION/SUBSET.woff2)`. */
const FONT_URL = /url\(https:\/\/[a-z0-9.-]+\/[^)\s]*\/fonts\/([a-z0-9-]+)(?::vf)?@[0-9.]+\/([a-z0-9-]+)\.woff2\)/g;

/** Points every package-CDN base of Sveltia's module at ./unavailable/, and every font url()
 * at the copy in assets/ (see above). */
const onlyTheSite = {
  name: 'only-the-site',
  setup(b) {
    b.onLoad({ filter: /@sveltia[\\/]cms[\\/]npm[\\/]index\.js$/ }, (args) => {
      const fonts = readdirSync(join(cms, 'npm', 'assets')).filter((f) => f.endsWith('.woff2'));
      const text = readFileSync(args.path, 'utf8')
        .replace(PACKAGE_CDN, (_, quote) => `${quote}./unavailable/`)
        .replace(FONT_URL, (url, name, subset) => {
          const copy = fonts.find((f) => f.startsWith(`${name}-${subset}-`));
          return copy ? `url(assets/${copy})` : url;
        });
      return { contents: text, loader: 'js' };
    });
    b.onResolve({ filter: /^@shikijs\/langs\// }, (args) => ({ path: args.path, namespace: 'no-grammar' }));
    b.onLoad({ filter: /.*/, namespace: 'no-grammar' }, () => ({ contents: 'export default [];', loader: 'js' }));
  },
};

/** URLs in `text` that the browser would load, with the reason, other than ALLOWED_ORIGINS'. */
export function loadedUrls(text) {
  const found = [];
  const patterns = [
    [/(["'`])https:\/\/[a-z0-9.-]+\/(@[a-z0-9-]+|\$\{)/g, 'a package CDN'],
    [/https:\/\/[^\s"'`)]+\.(?:m?js|css|woff2?|ttf|otf|wasm)(?=["'`)?#])/g, 'a script, style, font or module'],
    [/url\(\s*["']?https:\/\/[^\s"')]+/g, 'a CSS url()'],
    [/@import\s+(?:url\()?\s*["']?https:\/\/[^\s"')]+/g, 'a CSS @import'],
    [/import\(\s*["'`]https:\/\/[^\s"'`]+/g, 'a dynamic import'],
  ];
  for (const [re, why] of patterns) {
    for (const m of text.matchAll(re)) {
      const url = m[0].replace(/^[^h]*/, '');
      // An attribute selector (`script[src="https://…"]`) names a URL without loading it.
      if (/\[(?:src|href)=["'`]?$/.test(text.slice(Math.max(0, m.index - 7), m.index + m[0].indexOf('h')))) continue;
      if (!ALLOWED_ORIGINS.some((o) => url.startsWith(`${o}/`))) found.push(`${url} (${why})`);
    }
  }
  return found;
}

function filesUnder(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

async function main() {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: [join(here, 'src', 'main.js')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'linked',
    outfile: join(out, 'editor.js'),
    plugins: [onlyTheSite],
    logLevel: 'warning',
  });
  // The files the ESM build names relative to itself; their source maps are left out.
  cpSync(join(cms, 'npm', 'assets'), join(out, 'assets'), {
    recursive: true,
    filter: (src) => !src.endsWith('.map'),
  });
  cpSync(join(cms, 'LICENSE.txt'), join(out, 'LICENSE.txt'));

  const problems = [];
  for (const file of filesUnder(out).filter((f) => /\.(m?js|css|html)$/.test(f))) {
    for (const url of loadedUrls(readFileSync(file, 'utf8'))) problems.push(`${file}: ${url}`);
  }
  if (problems.length > 0) {
    console.error('admin/build.mjs: the editor would load from a host other than the site and GitHub:');
    for (const p of problems) console.error(`  ${p}`);
    rmSync(out, { recursive: true, force: true });
    process.exit(1);
  }
  const version = JSON.parse(readFileSync(join(cms, 'package.json'), 'utf8')).version;
  const size = statSync(join(out, 'editor.js')).size;
  console.log(`admin: editor.js (Sveltia CMS ${version}), ${(size / 1e6).toFixed(1)} MB, in ${out}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
