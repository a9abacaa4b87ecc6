// The clusters and canary pages on exact, chosen data: those endpoints are answered at the network
// layer (page.route), everything else is real (stack, web server, Chromium). clusters.e2e.ts runs
// the real thing on the local provider (a red/black, a resize, a canary and its report); this file
// covers what a real run does not show deterministically: a group still filling, the request a
// rollback sends, a canceled destroy sending nothing, several intervals, and charts from the judge's
// statistics alone.
import type { Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startUiStack, type UiStack } from './ui-stack';

let ui: UiStack;

beforeAll(async () => {
  ui = await startUiStack({ workers: 0 });
  expect((await ui.stack.client.post('/api/v1/applications', { name: 'shop' })).status).toBe(201);
  await signIn(ui);
});

afterAll(async () => {
  await ui?.stop();
});

const json = (route: Route, body: unknown, status = 200) => route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });

const group = (name: string, enabled: boolean, up: number, starting: number, desired: number) => ({
  name,
  region: 'local',
  enabled,
  capacity: { min: desired, max: desired, desired },
  instances: { total: up + starting, up, down: 0, starting },
  image: `shop-${name.slice(-4)}.tgz`,
  createdTime: new Date(Date.UTC(2026, 0, 1, 0, Number(name.slice(-3)))).toISOString(),
});

describe('clusters (endpoint answered by the test)', () => {
  it('shows a red/black as it goes, and runs a confirmed resize as an ad-hoc task', async () => {
    const { page } = ui;
    let phase: 'filling' | 'done' = 'filling';
    let task: Record<string, unknown> | null = null;
    await page.route('**/api/v1/accounts', (r) => json(r, [{ name: 'local', provider: 'local', regions: ['local'], environment: 'dev' }]));
    await page.route('**/api/v1/applications/shop/clusters', (r) =>
      json(r, [
        {
          account: 'local',
          name: 'shop-prod',
          serverGroups: phase === 'filling' ? [group('shop-prod-v001', true, 3, 0, 3), group('shop-prod-v002', true, 1, 2, 3)] : [group('shop-prod-v001', false, 3, 0, 3), group('shop-prod-v002', true, 3, 0, 3)],
        },
      ]),
    );
    await page.route('**/api/v1/applications/shop/tasks', (r) => {
      task = r.request().postDataJSON() as Record<string, unknown>;
      return json(r, { id: 'task-1' }, 202);
    });
    try {
      await page.goto(`${ui.webUrl}/applications/shop/clusters`);
      const cluster = page.getByTestId('cluster-shop-prod');
      await cluster.getByTestId('redblack').getByText('red/black: v002 filling (1/3 up), v001 serving').waitFor();
      // Newest first; health counts and capacity shown.
      expect(await cluster.locator('.server-group strong').allTextContents()).toEqual(['v002', 'v001']);
      expect(await cluster.getByTestId('sg-shop-prod-v002').getByTestId('health-counts').textContent()).toBe('1 up · 2 starting · 0 down');
      // The page follows the deploy without a reload: the old group gets disabled.
      phase = 'done';
      await cluster.locator('[data-testid="sg-shop-prod-v001"][data-enabled="false"]').waitFor({ timeout: 10_000 });
      await cluster.getByTestId('redblack').waitFor({ state: 'detached' });

      await cluster.getByTestId('sg-shop-prod-v002').getByRole('button', { name: 'Resize' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Desired').fill('5');
      await dialog.getByLabel('Max').fill('5');
      await dialog.getByRole('button', { name: 'Resize' }).click();
      await page.getByRole('link', { name: 'follow the task' }).waitFor();
      expect(task).toMatchObject({
        job: [{ type: 'resizeServerGroup', credentials: 'local', cloudProvider: 'local', region: 'local', cluster: 'shop-prod', serverGroupName: 'shop-prod-v002', action: 'scale_exact', capacity: { min: 3, desired: 5, max: 5 } }],
      });

      // Destroy asks first, and Cancel sends nothing.
      task = null;
      await cluster.getByTestId('sg-shop-prod-v001').getByRole('button', { name: 'Destroy' }).click();
      await dialog.getByText('cannot be undone').waitFor();
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      expect(task).toBeNull();
      // Rollback brings back the previous group.
      await cluster.getByTestId('sg-shop-prod-v002').getByRole('button', { name: 'Roll back' }).click();
      await dialog.getByRole('button', { name: 'Rollback' }).click();
      await page.getByText('Started rollback shop-prod-v002').waitFor();
      expect(task).toMatchObject({ job: [{ type: 'rollbackServerGroup', rollbackType: 'EXPLICIT', rollbackContext: { rollbackServerGroupName: 'shop-prod-v002', restoreServerGroupName: 'shop-prod-v001' } }] });
    } finally {
      await page.unrouteAll();
    }
  });
});

describe('canary report (endpoint answered by the test)', () => {
  it('shows the score per interval, each metric classified, control against experiment', async () => {
    const { page } = ui;
    const stats = (mean: number) => ({ count: 60, mean, min: mean * 0.7, max: mean * 1.4, median: mean, std: mean * 0.1 });
    const interval = (i: number, score: number, latency: string) => ({
      index: i,
      endTime: new Date(Date.UTC(2026, 0, 1, 10, 10 * (i + 1))).toISOString(),
      score,
      classification: score >= 95 ? 'Pass' : score >= 75 ? 'Marginal' : 'Fail',
      metrics: [
        { name: 'errors', classification: 'Pass', critical: false, deviation: 1.01, interval: [-0.1, 0.2], estimate: 0.05, pValue: 0.61, controlStats: stats(2), experimentStats: stats(2.02) },
        { name: 'latency', classification: latency, critical: latency === 'High', deviation: 1.3, interval: [12, 31], estimate: 20, pValue: 0.0004, control: [100, 104, 98, 101, 99, 103], experiment: [121, 125, 119, 130, 124, 122] },
      ],
    });
    await page.route('**/api/v1/canary/results/run-1', (r) =>
      json(r, { id: 'run-1', application: 'shop', status: 'TERMINAL', score: 50, classification: 'Fail', config: { classifier: { scoreThresholds: { pass: 95, marginal: 75 } } }, intervals: [interval(0, 100, 'Pass'), interval(1, 50, 'High')] }),
    );
    try {
      await page.goto(`${ui.webUrl}/canary/results/run-1`);
      await page.getByRole('img', { name: 'Canary score per interval' }).waitFor();
      const rows = page.locator('tbody tr');
      await rows.first().waitFor();
      expect(await rows.locator('th').allTextContents()).toEqual(['errors', 'latencycritical']);
      expect(await rows.nth(1).locator('td').first().textContent()).toBe('High');
      await page.getByRole('img', { name: /latency: control median 10[01], experiment median 123/ }).waitFor();
      await page.getByRole('img', { name: /errors: control mean 2.00 \(n=60\)/ }).waitFor();
      // The first interval passed.
      await page.getByLabel('Interval', { exact: true }).selectOption('0');
      expect(await page.locator('tbody tr').nth(1).locator('td').first().textContent()).toBe('Pass');
    } finally {
      await page.unrouteAll();
    }
  });
});
