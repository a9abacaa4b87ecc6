// Takes the screenshots in docs/screenshots/ from a real stack with demo data, in Debian's Chromium.
// Run: npx tsx apps/web/e2e/screenshots.ts   (builds the UI when stale; about a minute)
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, ROOT, waitFor } from '@gennaker/testkit';
import type { Page } from 'playwright-core';
import { buildWebIfStale, startUiStack, type UiStack } from './ui-stack';

const OUT = resolve(__dirname, '../../../docs/screenshots');

async function shot(page: Page, name: string): Promise<void> {
  // Animations (running stages pulse) would make the pictures differ run to run.
  await page.addStyleTag({ content: '*{animation:none!important;transition:none!important}' });
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: false });
  console.log(`  ${name}.png`);
}

async function finished(ui: UiStack, id: string): Promise<void> {
  await waitFor(async () => ['SUCCEEDED', 'TERMINAL', 'CANCELED'].includes((await ui.stack.client.get(`/api/v1/executions/${id}`)).body.status), { timeoutMs: 60_000 });
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  buildWebIfStale();
  const dataDir = mkdtempSync(join(tmpdir(), 'gk-screenshots-'));
  const ui = await startUiStack({ workers: 1, env: { GENNAKER_DATA_DIR: dataDir } });
  try {
    const c = ui.stack.client;
    for (const app of [
      { name: 'checkout', email: 'payments@example.com', description: 'Checkout and payment service' },
      { name: 'catalog', email: 'catalog@example.com', description: 'Product catalogue API' },
      { name: 'search', email: 'search@example.com', description: 'Search frontend and indexer' },
    ]) {
      await c.post('/api/v1/applications', app);
    }
    const release = await c.post('/api/v1/pipelines', {
      application: 'checkout',
      name: 'release',
      parameterConfig: [
        { name: 'version', label: 'Version', default: '1.4.2', required: true },
        { name: 'region', label: 'Region', hasOptions: true, options: [{ value: 'eu-west-1' }, { value: 'us-east-1' }] },
      ],
      triggers: [{ type: 'git', enabled: true, source: 'github', project: 'acme', slug: 'checkout', branch: '^main$', secret: 'demo-secret' }],
      stages: [
        { refId: '1', type: 'wait', name: 'Bake image', waitTime: 1 },
        { refId: '2', type: 'wait', name: 'Deploy to staging', waitTime: 1, requisiteStageRefIds: ['1'] },
        { refId: '3', type: 'wait', name: 'Smoke tests', waitTime: 1, requisiteStageRefIds: ['2'] },
        { refId: '4', type: 'wait', name: 'Load tests', waitTime: 2, requisiteStageRefIds: ['2'] },
        { refId: '5', type: 'manualJudgment', name: 'Promote to production?', instructions: 'Check the staging dashboards, then promote.', judgmentInputs: [{ value: 'promote' }, { value: 'hold' }], requisiteStageRefIds: ['3', '4'] },
        { refId: '6', type: 'wait', name: 'Deploy to production', waitTime: 1, requisiteStageRefIds: ['5'] },
      ],
    });
    const guarded = await c.post('/api/v1/pipelines', {
      application: 'checkout',
      name: 'hotfix',
      stages: [
        { refId: '1', type: 'wait', name: 'Build', waitTime: 0 },
        { refId: '2', type: 'checkPreconditions', name: 'Only from main', requisiteStageRefIds: ['1'], preconditions: [{ type: 'expression', failPipeline: true, context: { expression: "${trigger['branch'] == 'main'}", failureMessage: 'hotfixes ship from main only' } }] },
        { refId: '3', type: 'wait', name: 'Deploy', waitTime: 0, requisiteStageRefIds: ['2'] },
      ],
    });
    // Some history: finished runs of both, then one release waiting for its judgment.
    for (let i = 0; i < 3; i++) {
      const e = await c.post(`/api/v1/pipelines/${release.body.id}/executions`, { parameters: { version: `1.4.${i}` } });
      await waitFor(async () => {
        const x = (await c.get(`/api/v1/executions/${e.body.id}`)).body;
        const judge = x.stages.find((s: { type: string; status: string }) => s.type === 'manualJudgment' && s.status === 'RUNNING');
        if (judge) await c.patch(`/api/v1/executions/${e.body.id}/stages/${judge.id}`, { judgmentStatus: i === 1 ? 'stop' : 'continue', judgmentInput: 'promote' });
        return ['SUCCEEDED', 'TERMINAL'].includes(x.status);
      }, { timeoutMs: 60_000 });
    }
    const failed = await c.post(`/api/v1/pipelines/${guarded.body.id}/executions`, {});
    await finished(ui, failed.body.id);
    const live = await c.post(`/api/v1/pipelines/${release.body.id}/executions`, { parameters: { version: '1.5.0' } });
    await waitFor(async () => (await c.get(`/api/v1/executions/${live.body.id}`)).body.stages.some((s: { type: string; status: string }) => s.type === 'manualJudgment' && s.status === 'RUNNING'), { timeoutMs: 60_000 });
    // Webhook deliveries: one that starts nothing (a feature branch), one refused (bad signature).
    const push = (branch: string, delivery: string, secret = 'demo-secret') => {
      const body = Buffer.from(JSON.stringify({ ref: `refs/heads/${branch}`, after: 'c0ffee'.padEnd(40, '0'), before: '0'.repeat(40), deleted: false, repository: { name: 'checkout', full_name: 'acme/checkout', owner: { login: 'acme', name: 'acme' } }, pusher: { name: 'dev' }, commits: [] }));
      return fetch(`${ui.webUrl}/webhooks/git/github`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': delivery, 'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` }, body });
    };
    await push('feature/faster-cart', 'a1b2c3d4-feature');
    await push('main', 'e5f6a7b8-forged', 'wrong-secret');
    // A revision to diff.
    const current = (await c.get(`/api/v1/pipelines/${release.body.id}`)).body;
    await c.post('/api/v1/pipelines', { ...current, stages: current.stages.map((s: { refId: string }) => (s.refId === '4' ? { ...s, waitTime: 5, name: 'Load tests (5 min)' } : s)) });

    const { page } = ui;
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${ui.webUrl}/sign-in`);
    await page.evaluate(() => localStorage.setItem('gennaker.theme', 'light'));
    await page.reload();
    await page.getByLabel('API token').waitFor();
    await shot(page, 'sign-in');
    await page.getByLabel('API token').fill(ui.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'checkout' }).waitFor();
    await shot(page, 'applications');

    await page.goto(`${ui.webUrl}/applications/checkout/pipelines`);
    await page.locator('.execution-row').nth(4).waitFor();
    await shot(page, 'pipelines');
    await page.getByRole('button', { name: 'Start manual execution of release' }).click();
    await page.getByRole('dialog').getByLabel('Version').waitFor();
    await shot(page, 'start-manual-execution');
    await page.keyboard.press('Escape');

    await page.goto(`${ui.webUrl}/pipelines/${release.body.id}/edit`);
    await page.locator('[data-testid="stage-node-5"]').click();
    await page.getByLabel('Instructions for the judge').waitFor();
    await shot(page, 'pipeline-editor');
    await page.getByRole('button', { name: /^History/ }).click();
    await page.getByRole('button', { name: /^v1 ·/ }).click();
    await page.locator('.diff').waitFor();
    await shot(page, 'pipeline-history');
    await page.getByRole('button', { name: 'JSON' }).click();
    const editor = page.getByLabel('Pipeline JSON');
    await editor.fill((await editor.inputValue()).replace('"requisiteStageRefIds": [\n        "1"\n      ]', '"requisiteStageRefIds": [\n        "9"\n      ]'));
    await page.getByTestId('json-errors').locator('button').first().click();
    await shot(page, 'pipeline-json-error');

    await page.goto(`${ui.webUrl}/executions/${live.body.id}`);
    await page.locator('[data-testid="timeline-5"][data-status="RUNNING"]').click();
    await page.getByRole('form', { name: 'Manual judgment' }).waitFor();
    await shot(page, 'execution-judgment');
    await page.goto(`${ui.webUrl}/executions/${failed.body.id}`);
    await page.getByTestId('first-error').waitFor();
    await page.getByTestId('first-error').getByRole('button', { name: 'Show stage' }).click();
    await shot(page, 'execution-failed');

    // Clusters: examples/service deployed red/black on the local provider, caught mid-way (v2 healthy,
    // v1 still enabled for a few seconds before it is disabled).
    await c.post('/api/v1/applications', { name: 'hello', description: 'examples/service on the local provider' });
    const doc = JSON.parse(readFileSync(join(ROOT, 'examples/pipelines/hello-deploy.json'), 'utf8'));
    doc.stages[1].clusters[0].localLoadBalancers = { 'hello-demo': { port: await freePort() } };
    doc.stages[1].clusters[0].delayBeforeDisableSec = 30;
    const deploy = await c.post('/api/v1/pipelines', doc);
    const v1 = await c.post(`/api/v1/pipelines/${deploy.body.id}/executions`, { parameters: { version: 'v1' } });
    await waitFor(async () => ['SUCCEEDED', 'TERMINAL'].includes((await c.get(`/api/v1/executions/${v1.body.id}`)).body.status), { timeoutMs: 90_000 });
    const v2 = await c.post(`/api/v1/pipelines/${deploy.body.id}/executions`, { parameters: { version: 'v2' } });
    await page.goto(`${ui.webUrl}/applications/hello/clusters`);
    await page.getByTestId('sg-hello-demo-v001').getByText('2 up · 0 starting · 0 down').waitFor({ timeout: 90_000 });
    await page.getByTestId('redblack').waitFor();
    await shot(page, 'clusters');
    await c.put(`/api/v1/executions/${v2.body.id}/cancel`, {});

    // A canary of the faulty v3 under traffic, and its report.
    await waitFor(async () => ['SUCCEEDED', 'TERMINAL', 'CANCELED'].includes((await c.get(`/api/v1/executions/${v2.body.id}`)).body.status), { timeoutMs: 60_000 });
    await c.post('/api/v1/canary/configs', JSON.parse(readFileSync(join(ROOT, 'examples/canary/hello-errors-and-latency.json'), 'utf8')));
    const canaryDoc = JSON.parse(readFileSync(join(ROOT, 'examples/canary/hello-canary-deployments.json'), 'utf8'));
    canaryDoc.stages[2].clusters[0].localLoadBalancers = doc.stages[1].clusters[0].localLoadBalancers;
    const canaryPipeline = await c.post('/api/v1/pipelines', canaryDoc);
    const lbPort = String(doc.stages[1].clusters[0].localLoadBalancers['hello-demo'].port);
    const traffic = spawn(process.execPath, [join(ROOT, 'examples/traffic.mjs'), '--url', `http://127.0.0.1:${lbPort}`, '--rps', '40', '--quiet'], { stdio: 'ignore' });
    try {
      const run = await c.post(`/api/v1/pipelines/${canaryPipeline.body.id}/executions`, { parameters: { version: 'v3' } });
      let resultId: string | undefined;
      await waitFor(
        async () => {
          const e = (await c.get(`/api/v1/executions/${run.body.id}`)).body;
          resultId = e.stages.map((s: { outputs: Record<string, unknown> }) => s.outputs['canaryResultId']).find((x: unknown) => typeof x === 'string');
          return ['SUCCEEDED', 'TERMINAL', 'CANCELED'].includes(e.status);
        },
        { timeoutMs: 120_000 },
      );
      if (resultId) {
        await page.goto(`${ui.webUrl}/canary/results/${resultId}`);
        await page.getByRole('img', { name: 'Canary score per interval' }).waitFor();
        await shot(page, 'canary-report');
      }
    } finally {
      traffic.kill('SIGTERM');
    }
    await page.goto(`${ui.webUrl}/deliveries`);
    await page.locator('#deliveries-title').waitFor();
    await page.waitForLoadState('networkidle');
    await shot(page, 'trigger-deliveries');

    // Dark theme.
    await page.evaluate(() => localStorage.setItem('gennaker.theme', 'dark'));
    await page.goto(`${ui.webUrl}/executions/${live.body.id}`);
    await page.getByRole('button', { name: 'Graph', exact: true }).click();
    await page.locator('[data-testid="stage-node-5"]').waitFor();
    await page.locator('[data-testid="timeline-5"]').click();
    await shot(page, 'execution-dark');
  } finally {
    await ui.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
