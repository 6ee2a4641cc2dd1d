// A small web server for the tests: serves a built site folder the way the host does
// (clean URLs, 404.html for a missing page) and passes /api/ to the form service, so the
// pages' forms post to their own origin as they do in production.
import { createServer, request as httpRequest } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml',
  '.yml': 'text/yaml; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** The file a URL path names in `root`, or null when there is none (or the path escapes). */
async function resolveFile(root, urlPath) {
  let path;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const full = normalize(join(root, path));
  if (full !== root && !full.startsWith(root + sep)) return null;
  const candidates = path.endsWith('/') ? [join(full, 'index.html')] : [full, join(full, 'index.html')];
  for (const candidate of candidates) {
    try {
      const info = await stat(candidate);
      if (info.isFile()) return { file: candidate, redirect: candidate !== full && !path.endsWith('/') };
    } catch {
      // try the next candidate
    }
  }
  return null;
}

function proxy(req, res, apiUrl) {
  const target = new URL(req.url, apiUrl);
  const upstream = httpRequest(
    target,
    { method: req.method, headers: { ...req.headers, host: target.host } },
    (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', (error) => {
    res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`form service unreachable: ${error.message}`);
  });
  req.pipe(upstream);
}

/**
 * Starts serving `root` on a free port of 127.0.0.1, passing `/api/` to `apiUrl` when given;
 * `headers(pathname)`, when given, adds headers to a file's answer (as CloudFront's response
 * headers policies do). Resolves to `{ origin, close() }`.
 */
export async function serveSite(root, apiUrl, headers = () => ({})) {
  root = normalize(root).replace(/\/$/, '');
  const server = createServer(async (req, res) => {
    const { pathname, search } = new URL(req.url, 'http://site.test');
    if (pathname === '/api' || pathname.startsWith('/api/')) {
      if (apiUrl) return proxy(req, res, apiUrl);
      res.writeHead(502).end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const found = await resolveFile(root, pathname);
    if (found?.redirect) {
      res.writeHead(301, { location: `${pathname}/${search}` }).end();
      return;
    }
    let status = 200;
    let file = found?.file;
    if (!file) {
      status = 404;
      file = join(root, '404.html');
    }
    try {
      const body = await readFile(file);
      const type = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
      res.writeHead(status, { ...headers(pathname), 'content-type': type, 'content-length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}
