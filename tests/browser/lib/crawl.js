// Finds every page of a built site the way a visitor can: from the home page, following every
// internal link found on the pages reached.

/** The part of an internal URL that names a page: its path and query, without the fragment. */
export function pageKey(url) {
  const u = new URL(url);
  return u.pathname + u.search;
}

/** A file-name-safe name for a page path: `/` is `home`, `/forms/request/` is `forms-request`. */
export function pageName(path) {
  const name = decodeURIComponent(path).replace(/^\/|\/$/g, '').replace(/[/?=&]+/g, '-');
  return name || 'home';
}

/**
 * Crawls the site at `origin` from `/` with `browserContext` and returns its pages, in the
 * order found: `{ path, status, type, links: [{ href, text, from }], resources: [url], ids: [id] }`.
 * Links to the form service (`/api/`) are recorded but not followed.
 */
export async function crawl(browserContext, origin) {
  const page = await browserContext.newPage();
  const pages = [];
  const queued = new Set(['/']);
  const queue = ['/'];
  try {
    while (queue.length) {
      const path = queue.shift();
      const answer = await fetch(origin + path, { redirect: 'manual' });
      const type = answer.headers.get('content-type') ?? '';
      const entry = { path, status: answer.status, type, links: [], resources: [], ids: [] };
      pages.push(entry);
      if (answer.status !== 200 || !type.startsWith('text/html')) continue;
      await page.goto(origin + path, { waitUntil: 'load' });
      const found = await page.evaluate(() => ({
        links: [...document.querySelectorAll('a[href], area[href]')].map((a) => ({
          href: a.href,
          text: (a.textContent || a.getAttribute('aria-label') || '').trim().slice(0, 60),
        })),
        resources: [
          ...[...document.querySelectorAll('link[href]')].map((l) => l.href),
          ...[...document.querySelectorAll('script[src], img[src], source[src]')].map((s) => s.src),
        ],
        ids: [
          ...[...document.querySelectorAll('[id]')].map((e) => e.id),
          ...[...document.querySelectorAll('a[name]')].map((e) => e.name),
        ],
      }));
      entry.ids = found.ids;
      entry.resources = found.resources.filter((u) => u.startsWith(origin));
      for (const link of found.links) {
        if (!link.href.startsWith(origin + '/')) continue;
        entry.links.push({ ...link, from: path });
        const key = pageKey(link.href);
        if (key.startsWith('/api/') || queued.has(key)) continue;
        queued.add(key);
        queue.push(key);
      }
    }
  } finally {
    await page.close();
  }
  return pages;
}
