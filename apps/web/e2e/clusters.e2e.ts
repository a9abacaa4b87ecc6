// The clusters view against the real local provider: a red/black of examples/service from v1 to v2
// started in the UI, seen as it goes (the new group filling or healthy while the old one serves,
// then the old one disabled), and an ad-hoc resize confirmed in the UI and carried out.
import { execFileSync } from 'node:child_process';
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

async function until(id: string, statuses: string[]): Promise<{ status: string }> {
  let last: { status: string; stages?: unknown[] } | undefined;
  await waitFor(
    async () => {
      last = (await ui.stack.client.get(`/api/v1/executions/${id}`)).body;
      return last !== undefined && statuses.includes(last.status);
    },
    { timeoutMs: 90_000, intervalMs: 250, message: () => `execution ${id} to reach ${statuses.join('/')}: ${JSON.stringify(last)}\n${ui.logs()}` },
  );
  return last as { status: string };
}

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
});
