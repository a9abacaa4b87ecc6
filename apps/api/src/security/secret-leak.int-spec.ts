import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Receiver, Stack, waitFor } from '@gennaker/testkit';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Acceptance (b) of issue 8: a demo-like run with known secrets configured (admin token, webhook
 * secrets, a webhook stage's Authorization header, an AWS external id, the secrets key); no API
 * answer and no log line of any process holds any of them (nor a notification's incoming-webhook
 * URL), and the stage's secrets are encrypted at rest (stage outputs are stored as the remote end answered them).
 */
const examples = require('@octokit/webhooks-examples/api.github.com/index.json') as Array<{ name: string; examples: any[] }>;
const mark = (what: string) => `${what}-${randomBytes(9).toString('hex')}`;
const SECRETS = {
  admin: mark('admintoken'),
  installWebhook: mark('installhook'),
  trigger: mark('triggersecret'),
  header: mark('stageheader'),
  apiKey: mark('stageapikey'),
  externalId: mark('externalid'),
  // An incoming-webhook URL carries its credential in its path (Slack, Google Chat).
  notifyPath: mark('notifypath'),
  secretsKey: randomBytes(32).toString('base64'),
};

let stack: Stack;
let receiver: Receiver;
const answers: Array<{ what: string; text: string }> = [];

async function call(method: string, path: string, body?: unknown, token: string | null = SECRETS.admin): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers['authorization'] = `Bearer ${token}`;
  const ctl = new AbortController();
  const res = await fetch(stack.apiUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: ctl.signal });
  let text: string;
  if ((res.headers.get('content-type') ?? '').includes('event-stream')) {
    // The first snapshot of an event stream is enough.
    const reader = res.body!.getReader();
    text = '';
    while (!text.includes('\n\n')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    ctl.abort();
  } else text = await res.text();
  answers.push({ what: `${method} ${path}`, text: text + JSON.stringify([...res.headers.entries()]) });
  return { status: res.status, body: text && text.startsWith('{') ? JSON.parse(text) : text };
}

beforeAll(async () => {
  receiver = await new Receiver().start();
  // A careless endpoint: echoes the headers it got (the stage's Authorization among them).
  receiver.on('/deploy-hook', (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, headers: req.headers, status: 'done' }));
  });
  const dir = mkdtempSync(join(tmpdir(), 'gk-leak-'));
  const accounts = join(dir, 'accounts.yaml');
  writeFileSync(
    accounts,
    JSON.stringify({
      accounts: [
        { name: 'demo', provider: 'local', regions: ['local'] },
        // Unreachable on purpose: listing clusters fails there, and the failure is logged.
        { name: 'aws-prod', provider: 'aws', regions: ['us-east-1'], endpoint: 'http://127.0.0.1:9', assumeRole: { roleArn: 'arn:aws:iam::123456789012:role/deploy', externalId: SECRETS.externalId } },
      ],
    }),
  );
  stack = await Stack.start({
    workers: 1,
    env: {
      GENNAKER_ADMIN_TOKEN: SECRETS.admin,
      GENNAKER_WEBHOOK_SECRET: SECRETS.installWebhook,
      GENNAKER_SECRETS_KEY: SECRETS.secretsKey,
      GENNAKER_ACCOUNTS_FILE: accounts,
      GENNAKER_DATA_DIR: join(dir, 'data'),
      GENNAKER_LOG_LEVEL: 'debug',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
    },
  });
});
afterAll(async () => {
  await stack?.stop();
  await receiver?.stop();
});

describe('secrets never leave', () => {
  it('keeps every configured secret out of API answers and logs during a demo-like run', async () => {
    expect((await call('POST', '/api/v1/applications', { name: 'leaky', email: 'a@b.c' })).status).toBe(201);
    const user = await call('POST', '/api/v1/tokens', { name: 'dev', roles: ['dev'] });
    expect(user.status).toBe(201);
    answers.pop(); // the one answer that shows a token: the POST that made it
    const saved = await call('POST', '/api/v1/pipelines', {
      application: 'leaky',
      name: 'deploy',
      parameterConfig: [{ name: 'version', default: '1.0' }],
      notifications: [{ type: 'webhook', address: `${receiver.url}/notify/${SECRETS.notifyPath}`, when: ['pipeline.complete'] }],
      triggers: [{ type: 'git', enabled: true, source: 'github', project: 'Codertocat', slug: 'Hello-World', branch: '^master$', secret: SECRETS.trigger }],
      stages: [
        {
          refId: '1',
          type: 'webhook',
          name: 'Notify deployer',
          url: `${receiver.url}/deploy-hook`,
          method: 'POST',
          customHeaders: { Authorization: `Bearer ${SECRETS.header}`, 'X-Api-Key': SECRETS.apiKey },
          payload: { version: '${parameters.version}' },
        },
        { refId: '2', type: 'evaluateVariables', requisiteStageRefIds: ['1'], variables: [{ key: 'status', value: '${#stage("Notify deployer").outputs.webhook.body.status}' }] },
        { refId: '3', type: 'manualJudgment', name: 'Promote?', requisiteStageRefIds: ['2'] },
      ],
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    const id = saved.body.id as string;

    // A manual run, judged; and a signed push that starts another.
    const run = await call('POST', `/api/v1/pipelines/${id}/executions`, { parameters: { version: '2.0' } });
    expect(run.status).toBe(202);
    const push = examples.find((e) => e.name === 'push')!.examples.find((x: any) => x.ref === 'refs/heads/master');
    const bytes = Buffer.from(JSON.stringify(push));
    const hook = await fetch(`${stack.apiUrl}/webhooks/git/github`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': 'leak-1', 'x-hub-signature-256': `sha256=${createHmac('sha256', SECRETS.trigger).update(bytes).digest('hex')}` },
      body: bytes,
    });
    const hookText = await hook.text();
    answers.push({ what: 'POST /webhooks/git/github', text: hookText });
    expect(hook.status, hookText).toBe(202);
    const bad = await fetch(`${stack.apiUrl}/webhooks/git/github`, { method: 'POST', headers: { 'x-github-event': 'push', 'x-hub-signature-256': 'sha256=00' }, body: bytes });
    answers.push({ what: 'bad signature', text: await bad.text() });
    expect(bad.status).toBe(401);

    for (const e of [run.body.id, JSON.parse(hookText).executions[0]]) {
      let stageId = '';
      await waitFor(async () => {
        const x = (await call('GET', `/api/v1/executions/${e}`)).body;
        stageId = x.stages.find((s: any) => s.refId === '3')?.id;
        return x.stages.find((s: any) => s.refId === '3')?.status === 'RUNNING';
      }, { message: () => `execution ${e} to reach its judgment\n${stack.logs()}` });
      expect((await call('PATCH', `/api/v1/executions/${e}/stages/${stageId}`, { judgmentStatus: 'continue' })).status).toBe(202);
      await waitFor(async () => (await call('GET', `/api/v1/executions/${e}`)).body.status === 'SUCCEEDED', { message: () => stack.logs() });
    }
    // The notification went to its (encrypted at rest) URL.
    await waitFor(() => receiver.count(`/notify/${SECRETS.notifyPath}`) >= 1, { message: () => `the completion notification\n${stack.logs()}` });
    // The stage really sent the secret header, and the evaluated output came through.
    expect(receiver.requests.filter((r) => r.path === '/deploy-hook').every((r) => r.headers['authorization'] === `Bearer ${SECRETS.header}`)).toBe(true);
    const execution = (await call('GET', `/api/v1/executions/${run.body.id}`)).body;
    expect(execution.stages.find((s: any) => s.refId === '1').context.customHeaders).toEqual({ Authorization: '********', 'X-Api-Key': '********' });
    expect(execution.stages.find((s: any) => s.refId === '2').outputs.status).toBe('done');

    // Saving back what the API showed keeps the secrets (the masks are not stored).
    const shown = (await call('GET', `/api/v1/pipelines/${id}`)).body;
    expect(shown.stages[0].customHeaders.Authorization).toBe('********');
    expect(shown.notifications[0].address).toBe('********');
    expect((await call('POST', '/api/v1/pipelines', shown)).status).toBe(200);
    const again = await call('POST', `/api/v1/pipelines/${id}/executions`, { parameters: { version: '3.0' } });
    await waitFor(() => receiver.requests.filter((r) => r.path === '/deploy-hook').length >= 3, { message: () => stack.logs() });
    expect(receiver.requests.filter((r) => r.path === '/deploy-hook').at(-1)!.headers['authorization']).toBe(`Bearer ${SECRETS.header}`);
    await call('PUT', `/api/v1/executions/${again.body.id}/cancel`, { reason: 'enough' });
    // Pipelines as code: the same files applied twice change nothing (stored secrets compare in the clear).
    const files = { files: [{ file: 'hook.json', content: { name: 'from-files', stages: [{ refId: '1', type: 'webhook', url: `${receiver.url}/deploy-hook`, customHeaders: { Authorization: `Bearer ${SECRETS.header}` } }] } }] };
    const first = await call('POST', '/api/v1/applications/leaky/pipelines/sync', files);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const second = await call('POST', '/api/v1/applications/leaky/pipelines/sync', files);
    expect(second.body).toMatchObject({ created: [], updated: [], unchanged: 1 });
    // An old revision with encrypted secrets restores (it still passes the stage's schema).
    expect((await call('POST', `/api/v1/pipelines/${id}/history/1/restore`)).status).toBe(201);

    // At rest: the stage's secrets are encrypted in pipelines, revisions and stage contexts.
    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    try {
      const stored = await db.query(`SELECT config::text AS t FROM pipeline_configs UNION ALL SELECT config::text FROM pipeline_config_revisions UNION ALL SELECT context::text FROM stages`);
      const text = stored.rows.map((r: { t: string }) => r.t).join('\n');
      expect(text).toContain('gk-secret:v1:');
      for (const secret of [SECRETS.header, SECRETS.apiKey, SECRETS.trigger, SECRETS.notifyPath]) expect(text).not.toContain(secret);
    } finally {
      await db.end();
    }

    // Everything a reader of the API can see.
    for (const path of [
      '/api/v1/me',
      '/api/v1/applications',
      '/api/v1/applications/leaky',
      '/api/v1/applications/leaky/pipelines',
      `/api/v1/pipelines/${id}`,
      `/api/v1/pipelines/${id}/history`,
      '/api/v1/executions?application=leaky',
      `/api/v1/executions/${run.body.id}`,
      `/api/v1/executions/${run.body.id}/events`,
      '/api/v1/accounts',
      '/api/v1/applications/leaky/clusters',
      '/api/v1/trigger-deliveries',
      '/api/v1/audit?limit=500',
      '/api/v1/tokens',
      '/api/v1/stage-types',
      '/api/v1/openapi.json',
      '/api/v1/nope',
    ]) {
      await call('GET', path);
    }
    await call('GET', '/api/v1/me', undefined, `${SECRETS.admin}x`);

    const leaks: string[] = [];
    for (const [name, secret] of Object.entries(SECRETS)) {
      for (const a of answers) if (a.text.includes(secret)) leaks.push(`answer of ${a.what} holds the ${name} secret`);
      for (const h of [stack.api!, ...stack.workers]) {
        const lines = h.output.join('').split('\n');
        for (const line of lines) if (line.includes(secret)) leaks.push(`a log line of ${h.name} holds the ${name} secret: ${line.slice(0, 300)}`);
      }
    }
    expect(leaks).toEqual([]);
    // Every line was seen: the stack keeps the last 400 chunks of each process, none was dropped.
    for (const h of [stack.api!, ...stack.workers]) expect(h.output.length, `${h.name} logged more than the stack keeps`).toBeLessThan(400);
    // The check can fail: the logs and answers were really collected.
    expect(answers.length).toBeGreaterThan(20);
    expect(stack.api!.output.join('').length).toBeGreaterThan(1000);
  });
});
