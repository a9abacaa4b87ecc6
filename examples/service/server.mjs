// The example service of the local provider's demo: plain Node http, no dependencies.
// Its behaviour follows its version (APP_VERSION, set by the bake's `version`):
//   v1, v2  healthy
//   v3      about 15% of requests answer 500, and every answer takes ~80 ms longer
// Anything else behaves like v1. PORT is given by the local provider.
import { createServer } from 'node:http';

const version = process.env.APP_VERSION ?? 'v1';
const port = Number(process.env.PORT ?? 8080);
const instance = process.env.GENNAKER_INSTANCE_ID ?? 'dev';
const behaviour = {
  v1: { errorRate: 0, extraLatencyMs: 0 },
  v2: { errorRate: 0, extraLatencyMs: 0 },
  v3: { errorRate: 0.15, extraLatencyMs: 80 },
}[version] ?? { errorRate: 0, extraLatencyMs: 0 };

let inflight = 0;
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'ok', version }));
    return;
  }
  inflight++;
  const base = 2 + Math.random() * 8;
  setTimeout(() => {
    inflight--;
    const fail = Math.random() < behaviour.errorRate;
    res.writeHead(fail ? 500 : 200, { 'content-type': 'application/json', 'x-version': version, 'x-instance': instance });
    res.end(JSON.stringify(fail ? { error: 'simulated failure', version } : { hello: 'world', version, instance, path: url.pathname }));
  }, base + behaviour.extraLatencyMs);
});

server.keepAliveTimeout = 5000;
server.listen(port, '127.0.0.1', () => console.log(`hello ${version} listening on ${port} (instance ${instance})`));

// Graceful stop: finish what is in flight, then exit (the local provider drains before it stops us).
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    console.log(`hello ${version}: ${signal}, ${inflight} request(s) in flight`);
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 5000).unref();
  });
}
