// Serves the built UI (dist/apps/web) and proxies /api and /webhooks to the API, so the browser
// talks to one origin (no CORS, and EventSource reaches the API's server-sent events).
//   GENNAKER_WEB_PORT (9000), GENNAKER_WEB_HOST (0.0.0.0), GENNAKER_API_URL (http://127.0.0.1:$GENNAKER_API_PORT|8084)
// Run: node apps/web/server.mjs (after npm run build:web). Prints "gennaker web listening on <url>".
import { createReadStream, statSync } from 'node:fs';
import { Agent as HttpAgent, createServer, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const DEFAULT_ROOT = resolve(HERE, '../../dist/apps/web');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

function isProxied(path) {
  return path === '/api' || path.startsWith('/api/') || path.startsWith('/webhooks/') || path === '/metrics';
}

// Connections to the API are kept open between requests (a page load makes a dozen at once).
const agents = { 'http:': new HttpAgent({ keepAlive: true, maxSockets: 256 }), 'https:': new HttpsAgent({ keepAlive: true, maxSockets: 256 }) };

function proxy(req, res, apiUrl) {
  const target = new URL(req.url ?? '/', apiUrl);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers = { ...req.headers, host: target.host, 'x-forwarded-host': req.headers.host ?? '', 'x-forwarded-proto': 'http' };
  // The browser's connection header is about the browser's hop, not this one.
  delete headers.connection;
  const upstream = send(target, { method: req.method, headers, agent: agents[target.protocol] }, (answer) => {
    // Streamed as it comes: server-sent events must not be buffered.
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    res.flushHeaders();
    answer.pipe(res);
  });
  upstream.on('error', (err) => {
    if (!res.headersSent) {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'UNAVAILABLE', message: `the API at ${apiUrl} did not answer: ${err.message}`, details: [] } }));
    } else res.destroy();
  });
  // A closed browser tab ends the upstream request too (an event stream would otherwise stay open).
  res.on('close', () => upstream.destroy());
  req.pipe(upstream);
}

function serveFile(req, res, root) {
  const url = new URL(req.url ?? '/', 'http://x');
  let path;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    res.writeHead(400).end();
    return;
  }
  const file = normalize(join(root, path));
  let chosen = null;
  if (file.startsWith(root + sep) || file === root) {
    try {
      if (statSync(file).isFile()) chosen = file;
    } catch {
      // not a file: the app's own route
    }
  }
  // Client-side routes get index.html; missing assets get a real 404.
  if (!chosen) {
    if (path.startsWith('/assets/')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    chosen = join(root, 'index.html');
  }
  const hashed = chosen.includes(`${sep}assets${sep}`);
  res.writeHead(200, {
    'content-type': TYPES[extname(chosen)] ?? 'application/octet-stream',
    // Vite names assets by content hash: cache them for good, never index.html.
    'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(chosen).on('error', () => res.destroy()).pipe(res);
}

/** Starts the server; resolves with its URL once listening. */
export function startWebServer({ port = 9000, host = '0.0.0.0', apiUrl = 'http://127.0.0.1:8084', root = DEFAULT_ROOT } = {}) {
  const rootDir = resolve(root);
  try {
    statSync(join(rootDir, 'index.html'));
  } catch {
    throw new Error(`no UI build in ${rootDir}: run npm run build:web first`);
  }
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (isProxied(path)) proxy(req, res, apiUrl);
    else if (req.method === 'GET' || req.method === 'HEAD') serveFile(req, res, rootDir);
    else res.writeHead(405, { allow: 'GET, HEAD' }).end();
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      const shown = host === '0.0.0.0' ? '127.0.0.1' : host;
      resolvePromise({ server, url: `http://${shown}:${typeof address === 'object' && address ? address.port : port}` });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const apiUrl = process.env.GENNAKER_API_URL ?? `http://127.0.0.1:${process.env.GENNAKER_API_PORT ?? 8084}`;
  startWebServer({
    port: Number(process.env.GENNAKER_WEB_PORT ?? 9000),
    host: process.env.GENNAKER_WEB_HOST ?? '0.0.0.0',
    apiUrl,
    root: process.env.GENNAKER_WEB_ROOT ?? DEFAULT_ROOT,
  }).then(
    ({ server, url }) => {
      console.log(`gennaker web listening on ${url} (API ${apiUrl})`);
      const stop = () => {
        server.close(() => process.exit(0));
        // Open event streams would keep it alive.
        server.closeAllConnections();
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    },
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
