// What `npm run demo` does once everything runs: the demo application `hello` (examples/service on
// the local provider), its canary config and pipelines, v1 deployed red/black, steady traffic,
// then a signed Git webhook (a tag push of v2) that bakes v2, judges it in a canary beside a
// baseline and promotes it red/black. v3 (15 % errors, +80 ms) can be pushed the same way and is
// rolled back by the canary.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const APP = 'hello';
const LB_PORT = 8100;

export function pushPayload(version) {
  const sha = randomBytes(20).toString('hex');
  return {
    ref: `refs/tags/${version}`,
    before: '0'.repeat(40),
    after: sha,
    created: true,
    deleted: false,
    repository: {
      name: 'hello',
      full_name: 'gennaker-demo/hello',
      owner: { login: 'gennaker-demo', name: 'gennaker-demo' },
      clone_url: 'https://git.example.com/gennaker-demo/hello.git',
    },
    pusher: { name: 'demo', email: 'demo@example.com' },
    sender: { login: 'demo' },
    head_commit: { id: sha, message: `release ${version}`, added: [], modified: ['examples/service/server.mjs'], removed: [] },
  };
}

/** Sends a GitHub-signed tag push for `version` (what GitHub sends when you push the tag). */
export async function sendPush(apiUrl, secret, version) {
  const body = JSON.stringify(pushPayload(version));
  const signature = 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
  const res = await fetch(`${apiUrl}/webhooks/git/github`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': signature },
    body,
  });
  const text = await res.text();
  if (res.status !== 202) throw new Error(`the webhook was refused: HTTP ${res.status} ${text}`);
  return JSON.parse(text);
}

export async function runScenario({ root, apiUrl, webUrl, token, env, log, waitFor, startChild }) {
  const call = async (method, path, body) => {
    const res = await fetch(apiUrl + path, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : undefined;
    if (res.status >= 400 && res.status !== 404 && res.status !== 409) throw new Error(`${method} ${path}: HTTP ${res.status} ${text}`);
    return { status: res.status, body: parsed };
  };
  const example = (p) => JSON.parse(readFileSync(join(root, 'examples', p), 'utf8'));

  // 1. The application, its canary config and pipelines (idempotent: a second demo run updates them).
  if ((await call('GET', `/api/v1/applications/${APP}`)).status === 404) {
    await call('POST', '/api/v1/applications', { name: APP, email: 'demo@example.com', description: 'The Gennaker demo: examples/service on the local provider' });
  }
  await call('POST', '/api/v1/canary/configs', example('canary/hello-errors-and-latency.json'));
  const secret = env.GENNAKER_DEMO_WEBHOOK_SECRET ?? randomBytes(16).toString('hex');
  const deploy = (await call('POST', '/api/v1/pipelines', example('pipelines/hello-deploy.json'))).body;
  const releaseDoc = example('pipelines/hello-release.json');
  releaseDoc.triggers = releaseDoc.triggers.map((t) => (t.type === 'git' ? { ...t, secret } : t));
  const release = (await call('POST', '/api/v1/pipelines', releaseDoc)).body;
  writeFileSync(join(env.GENNAKER_DATA_DIR, 'demo.json'), JSON.stringify({ apiUrl, token, secret }, null, 2), { mode: 0o600 });
  log(`application ${APP}: pipelines "${deploy.name}" and "${release.name}"`);

  const finish = async (id, what) => {
    let e;
    await waitFor(async () => {
      e = (await call('GET', `/api/v1/executions/${id}`)).body;
      return ['SUCCEEDED', 'TERMINAL', 'CANCELED', 'STOPPED'].includes(e.status);
    }, what, 300_000);
    return e;
  };

  // 2. v1 in production, red/black behind the load balancer.
  const clusters = (await call('GET', `/api/v1/applications/${APP}/clusters`)).body ?? [];
  const serving = clusters.flatMap((c) => c.serverGroups ?? []).some((g) => g.enabled);
  if (!serving) {
    log('deploying v1 (bake, then red/black)...');
    const run = (await call('POST', `/api/v1/pipelines/${deploy.id}/executions`, { parameters: { version: 'v1' } })).body;
    const e = await finish(run.id, 'the v1 deploy');
    if (e.status !== 'SUCCEEDED') throw new Error(`the v1 deploy ended ${e.status}: ${e.stages.find((s) => s.error)?.error?.message ?? ''}`);
    log(`v1 serves on http://127.0.0.1:${LB_PORT}`);
  } else {
    log(`production already serves on http://127.0.0.1:${LB_PORT}`);
  }

  // 3. Steady traffic, so canaries have something to judge.
  startChild('traffic', process.execPath, ['examples/traffic.mjs', '--url', `http://127.0.0.1:${LB_PORT}`, '--rps', env.GENNAKER_DEMO_RPS ?? '40', '--quiet']);

  // 4. A signed Git webhook: the tag v2 was pushed.
  log('sending a signed GitHub webhook: tag v2 pushed...');
  const delivery = await sendPush(apiUrl, secret, 'v2');
  const started = delivery.executions ?? [];
  if (started.length === 0) throw new Error(`the webhook started nothing; see ${apiUrl}/api/v1/trigger-deliveries`);
  log(`release of v2 started (execution ${started[0]}): bake -> canary beside a baseline -> promote`);

  console.log(`
  Gennaker is running.
    UI:      ${webUrl ?? '(not built)'}        sign in with the token below
    API:     ${apiUrl}/api/v1   (OpenAPI: ${apiUrl}/api/docs)
    Token:   ${token}
    Service: http://127.0.0.1:${LB_PORT}   (the demo's load balancer; traffic is running)

  Watch the v2 release: ${webUrl ? `${webUrl}/executions/${started[0]}` : `${apiUrl}/api/v1/executions/${started[0]}`}
  Then push v3 (15 % errors, +80 ms): the canary fails it and production stays on v2:
    node tools/demo/push.mjs v3
`);

  // Say how v2 ended, so a terminal user knows without the UI.
  void finish(started[0], 'the v2 release').then(
    (e) => {
      const canary = e.stages.find((s) => s.type === 'kayentaCanary');
      log(`the v2 release ended ${e.status}; canary ${canary?.outputs?.overallResult ?? '?'} (score ${canary?.outputs?.overallScore ?? '?'})`);
    },
    () => undefined,
  );
}
