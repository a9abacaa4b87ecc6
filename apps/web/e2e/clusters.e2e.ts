// The clusters view against the real local provider: a red/black of examples/service from v1 to v2
// started in the UI, seen as it goes (the new group filling or healthy while the old one serves,
// then the old one disabled), and an ad-hoc resize confirmed in the UI and carried out. Then a real
// canary of the faulty v3 under traffic, and its report reached from the execution.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ROOT, waitFor } from '@gennaker/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startUiStack, type UiStack } from './ui-stack';

let ui: UiStack;
let dataDir: string;
let lbPort: number;
let deployId: string;

/** Processes running an image of this test's data directory (instances of the local provider). */
function instanceProcesses(): string[] {
  return execFileSync('ps', ['-eo', 'pid=,args='])
    .toString()
    .split('\n')
    .filter((l) => l.includes(join(dataDir, 'images')));
}

const until = (id: string, statuses: string[]): Promise<{ status: string }> => ui.stack.untilExecution(id, statuses, { timeoutMs: 90_000, intervalMs: 250 });

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'gk-web-clusters-'));
  lbPort = await freePort();
  ui = await startUiStack({ workers: 1, env: { GENNAKER_DATA_DIR: dataDir } });
  expect((await ui.stack.client.post('/api/v1/applications', { name: 'hello' })).status).toBe(201);
  const doc = JSON.parse(readFileSync(join(ROOT, 'examples/pipelines/hello-deploy.json'), 'utf8'));
  const cluster = doc.stages[1].clusters[0];
  cluster.localLoadBalancers = { 'hello-demo': { port: lbPort } };
  // Both groups serve for a few seconds before the old one is disabled: long enough to be seen.
  cluster.delayBeforeDisableSec = 6;
  const r = await ui.stack.client.post('/api/v1/pipelines', doc);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  deployId = r.body.id;
  const first = await ui.stack.client.post(`/api/v1/pipelines/${deployId}/executions`, { parameters: { version: 'v1' } });
  expect((await until(first.body.id, ['SUCCEEDED', 'TERMINAL'])).status).toBe('SUCCEEDED');
  await signIn(ui);
});

afterAll(async () => {
  await ui?.stop();
  if (dataDir) {
    // A clean stop leaves no instance behind.
    await waitFor(() => instanceProcesses().length === 0, { timeoutMs: 15_000, message: () => `no instance processes, found:\n${instanceProcesses().join('\n')}` }).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
});

describe('clusters on the local provider', () => {
  it('shows a red/black from v1 to v2 as it happens', async () => {
    const { page } = ui;
    await page.goto(`${ui.webUrl}/applications/hello/clusters`);
    const cluster = page.getByTestId('cluster-hello-demo');
    await cluster.locator('[data-testid="sg-hello-demo-v000"][data-enabled="true"]').waitFor();
    await cluster.getByTestId('sg-hello-demo-v000').getByText('2 up · 0 starting · 0 down').waitFor();
    await cluster.getByRole('link', { name: `http://127.0.0.1:${lbPort}` }).waitFor();

    // Start v2 from the pipelines page, with the parameter form.
    await page.getByRole('link', { name: 'Pipelines', exact: true }).click();
    await page.getByRole('button', { name: 'Start manual execution of deploy' }).click();
    await page.getByRole('dialog').getByLabel('Version').selectOption('v2');
    await page.getByRole('dialog').getByRole('button', { name: 'Run' }).click();
    await page.waitForURL(/\/executions\/[^/]+$/);
    const executionId = page.url().split('/').pop()!;

    await page.goto(`${ui.webUrl}/applications/hello/clusters`);
    // While the new group comes up (or waits, healthy, before the old one is disabled) both are shown.
    await cluster.getByTestId('redblack').getByText(/red\/black: v001 (filling|healthy).*v000/).waitFor({ timeout: 60_000 });
    await cluster.getByTestId('sg-hello-demo-v001').waitFor();
    // Then the old one is disabled, with no reload of the page.
    await cluster.locator('[data-testid="sg-hello-demo-v000"][data-enabled="false"]').waitFor({ timeout: 60_000 });
    await cluster.locator('[data-testid="sg-hello-demo-v001"][data-enabled="true"]').getByText('2 up · 0 starting · 0 down').waitFor();
    await cluster.getByTestId('redblack').waitFor({ state: 'detached' });
    expect((await until(executionId, ['SUCCEEDED', 'TERMINAL'])).status).toBe('SUCCEEDED');
    // The load balancer now answers from v2.
    expect((await fetch(`http://127.0.0.1:${lbPort}/`)).headers.get('x-version')).toBe('v2');
  });

  it('resizes a server group after confirmation', async () => {
    const { page } = ui;
    const cluster = page.getByTestId('cluster-hello-demo');
    await cluster.getByTestId('sg-hello-demo-v001').getByRole('button', { name: 'Resize' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Max').fill('3');
    await dialog.getByLabel('Desired').fill('3');
    await dialog.getByRole('button', { name: 'Resize' }).click();
    await page.getByRole('link', { name: 'follow the task' }).waitFor();
    await cluster.getByTestId('sg-hello-demo-v001').getByText('3 up · 0 starting · 0 down').waitFor({ timeout: 60_000 });
    const c = (await ui.stack.client.get('/api/v1/applications/hello/clusters')).body.find((x: { name: string }) => x.name === 'hello-demo');
    expect(c.serverGroups.find((g: { name: string }) => g.name === 'hello-demo-v001').capacity).toEqual({ min: 2, max: 3, desired: 3 });
  });

  it('runs a canary of a faulty version and shows its report from the execution', async () => {
    const config = JSON.parse(readFileSync(join(ROOT, 'examples/canary/hello-errors-and-latency.json'), 'utf8'));
    expect((await ui.stack.client.post('/api/v1/canary/configs', config)).status).toBe(201);
    const doc = JSON.parse(readFileSync(join(ROOT, 'examples/canary/hello-canary-deployments.json'), 'utf8'));
    doc.stages[2].clusters[0].localLoadBalancers = { 'hello-demo': { port: lbPort } };
    const saved = await ui.stack.client.post('/api/v1/pipelines', doc);
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    // Metrics come from real requests through the load balancer.
    const traffic = spawn(process.execPath, [join(ROOT, 'examples/traffic.mjs'), '--url', `http://127.0.0.1:${lbPort}`, '--rps', '40', '--quiet'], { stdio: 'ignore' });
    try {
      const { page } = ui;
      const run = await ui.stack.client.post(`/api/v1/pipelines/${saved.body.id}/executions`, { parameters: { version: 'v3' } });
      await page.goto(`${ui.webUrl}/executions/${run.body.id}`);
      const canaryRow = page.locator('[data-testid="timeline-2"]');
      await page.locator('[data-testid="timeline-2"]:not([data-status="RUNNING"]):not([data-status="NOT_STARTED"])').waitFor({ timeout: 90_000 });
      await canaryRow.click();
      await page.getByRole('link', { name: 'Canary report' }).click();
      await page.waitForURL(/\/canary\/results\//);
      // v3 is 80 ms slower: the verdict is not a pass, and latency is the metric that says so.
      await page.getByRole('heading', { name: /Canary report: hello-errors-and-latency (Marginal|Fail)/ }).waitFor();
      await page.getByText(/canary stopped after interval|below the marginal threshold|not above the marginal threshold/).waitFor();
      await page.getByRole('img', { name: 'Canary score per interval' }).waitFor();
      const latency = page.locator('tbody tr', { hasText: 'latency' }).first();
      await latency.getByText('High', { exact: true }).waitFor();
      // Control against experiment, drawn from the values the judge used.
      await latency.getByRole('img', { name: /latency: control median/ }).waitFor();
    } finally {
      traffic.kill('SIGTERM');
    }
  });
});
