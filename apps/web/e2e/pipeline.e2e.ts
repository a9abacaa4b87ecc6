import { createHmac } from 'node:crypto';
import { waitFor } from '@gennaker/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startUiStack, type UiStack } from './ui-stack';

let ui: UiStack;

beforeAll(async () => {
  ui = await startUiStack({ workers: 1 });
});

afterAll(async () => {
  await ui?.stop();
});

/** Drags from one point to another in small steps, as a mouse would (React Flow needs the moves). */
async function drag(from: { x: number; y: number }, to: { x: number; y: number }): Promise<void> {
  const m = ui.page.mouse;
  await m.move(from.x, from.y);
  await m.down();
  for (let i = 1; i <= 10; i++) await m.move(from.x + ((to.x - from.x) * i) / 10, from.y + ((to.y - from.y) * i) / 10);
  await m.up();
}

async function centre(selector: string): Promise<{ x: number; y: number }> {
  const box = await ui.page.locator(selector).boundingBox();
  if (!box) throw new Error(`${selector} is not on screen`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

describe('the web server', () => {
  it('serves the app for client routes, 404 for missing assets, nothing outside its folder, and proxies the API', async () => {
    const page = await fetch(`${ui.webUrl}/applications/anything/pipelines`);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(await page.text()).toContain('<div id="root">');
    expect((await fetch(`${ui.webUrl}/assets/nope.js`)).status).toBe(404);
    // An encoded ../ stays inside the build folder (the app's index.html, not the file asked for).
    const { request } = await import('node:http');
    const body = await new Promise<string>((resolve, reject) => {
      request(`${ui.webUrl}/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd`, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(text));
      })
        .on('error', reject)
        .end();
    });
    expect(body).not.toContain('root:');
    const health = await fetch(`${ui.webUrl}/api/v1/health`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { status: string }).status).toBe('ok');
  });
});

describe('the UI in Chromium', () => {
  let pipelineUrl = '';

  it('signs in with a token and creates an application', async () => {
    const { page } = ui;
    // Without a token the API answers 401 and the UI asks for one.
    await page.goto(`${ui.webUrl}/applications`);
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel('API token').fill('wrong-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('did not accept');
    // Back from an OIDC provider, the token arrives in the fragment; it is kept and removed from the URL.
    await page.goto(`${ui.webUrl}/sign-in?next=${encodeURIComponent('/deliveries')}#token=${ui.token}`);
    await page.waitForURL((u) => u.pathname === '/deliveries');
    expect(new URL(page.url()).hash).toBe('');
    // The header says who is signed in; signing out forgets the token.
    await page.getByText('admin (admin)').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    expect(await page.evaluate(() => localStorage.getItem('gennaker.token'))).toBeNull();
    await signIn(ui);
    await page.getByRole('button', { name: 'Create application' }).click();
    await page.getByLabel('Name', { exact: true }).fill('shop');
    await page.getByLabel('Owner email').fill('team@example.com');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.waitForURL(/\/applications\/shop\/pipelines$/);
    const stored = await ui.stack.client.get('/api/v1/applications/shop');
    expect(stored.status).toBe(200);
    expect(stored.body.email).toBe('team@example.com');
    // It is listed and found by search.
    await page.getByRole('link', { name: 'Applications' }).click();
    await page.getByLabel('Search applications').fill('sho');
    await page.getByRole('link', { name: 'shop' }).waitFor();
  });

  it('builds a three-stage pipeline in the graph editor and saves it', async () => {
    const { page } = ui;
    await page.goto(`${ui.webUrl}/applications/shop/pipelines`);
    await page.getByRole('link', { name: 'Create pipeline' }).click();
    await page.getByLabel('Pipeline name').fill('release');

    // 1: a wait; 2: a manual judgment after it (added while 1 is selected).
    await page.getByLabel('New stage type').selectOption('wait');
    await page.getByRole('button', { name: /^Add stage/ }).click();
    await page.getByLabel('Wait time (seconds)').fill('1');
    await page.getByLabel('New stage type').selectOption('manualJudgment');
    await page.getByRole('button', { name: 'Add stage after selected' }).click();
    await page.getByLabel('Instructions for the judge').fill('Ship it?');
    // 3: a wait on its own (nothing selected), then connected 2 -> 3 by dragging in the graph.
    await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
    await page.getByLabel('New stage type').selectOption('wait');
    await page.getByRole('button', { name: 'Add stage', exact: true }).click();
    await page.getByLabel('Stage name').fill('Finish');
    await page.getByLabel('Wait time (seconds)').fill('1');
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(1);
    await drag(await centre('[data-testid="stage-out-2"]'), await centre('[data-testid="stage-in-3"]'));
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(2);

    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved as version 1.').waitFor();
    await page.waitForURL(/\/pipelines\/[^/]+\/edit$/);
    pipelineUrl = page.url();

    const list = await ui.stack.client.get('/api/v1/applications/shop/pipelines');
    const p = list.body[0];
    expect(p.name).toBe('release');
    expect(p.stages.map((s: { refId: string; type: string; requisiteStageRefIds: string[] }) => [s.refId, s.type, s.requisiteStageRefIds])).toEqual([
      ['1', 'wait', []],
      ['2', 'manualJudgment', ['1']],
      ['3', 'wait', ['2']],
    ]);
    expect(p.stages[0].waitTime).toBe(1);
    expect(p.stages[1].instructions).toBe('Ship it?');
  });

  it('starts it, approves the manual judgment and sees SUCCEEDED arrive live', async () => {
    const { page } = ui;
    const executionGets: string[] = [];
    let streams = 0;
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (/^\/api\/v1\/executions\/[^/]+$/.test(u.pathname) && r.method() === 'GET') executionGets.push(u.pathname);
      if (u.pathname.endsWith('/events')) streams++;
    });
    await page.goto(`${ui.webUrl}/applications/shop/pipelines`);
    await page.getByRole('button', { name: 'Start manual execution of release' }).click();
    await page.getByRole('button', { name: 'Run' }).click();
    await page.waitForURL(/\/executions\/[^/]+$/);
    const executionId = page.url().split('/').pop()!;

    await page.locator('[data-testid="timeline-2"][data-status="RUNNING"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="timeline-2"]').click();
    await page.getByRole('form', { name: 'Manual judgment' }).getByText('Ship it?').waitFor();
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.locator('#execution-title [data-status="SUCCEEDED"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="timeline-3"][data-status="SUCCEEDED"]').waitFor();
    // Live means pushed: the page read the execution once and got every later change from the stream.
    expect(streams).toBeGreaterThanOrEqual(1);
    expect(executionGets.filter((p) => p.endsWith(executionId))).toHaveLength(1);
    const stored = await ui.stack.client.get(`/api/v1/executions/${executionId}`);
    expect(stored.body.status).toBe('SUCCEEDED');
    expect(stored.body.stages.find((s: { refId: string }) => s.refId === '2').context.judgmentStatus).toBe('continue');

    // The pipelines page shows it as a status bar with its duration.
    await page.goto(`${ui.webUrl}/applications/shop/pipelines`);
    await page.locator('.execution-row .badge[data-status="SUCCEEDED"]').waitFor();
  });

  it('shows an error in JSON mode at its line', async () => {
    const { page } = ui;
    await page.goto(pipelineUrl);
    await page.getByRole('button', { name: 'JSON' }).click();
    const editor = page.getByLabel('Pipeline JSON');
    const text = await editor.inputValue();
    const broken = text.replace('"waitTime": 1', '"waitTime": -5');
    expect(broken).not.toBe(text);
    const line = broken.split('\n').findIndex((l) => l.includes('"waitTime": -5')) + 1;
    await editor.fill(broken);
    const item = page.getByTestId('json-errors').locator(`button[data-line="${line}"]`).first();
    await item.waitFor();
    expect(await item.textContent()).toBe(`Line ${line}`);
    await page.locator(`.gutter .bad[data-line="${line}"]`).waitFor();

    // A syntax error is placed where the text breaks.
    const lines = text.split('\n');
    lines.splice(2, 0, '  "oops" 1,');
    await editor.fill(lines.join('\n'));
    await page.getByTestId('json-errors').locator('button[data-line="3"]').waitFor();
    // Nothing was saved.
    await page.getByRole('button', { name: 'Save' }).click();
    const p = await ui.stack.client.get(`/api/v1/pipelines/${pipelineUrl.split('/').at(-2)}`);
    expect(p.body.version).toBe(1);
  });

  it('cancels a running execution', async () => {
    const { page } = ui;
    const saved = await ui.stack.client.post('/api/v1/pipelines', { application: 'shop', name: 'slow', stages: [{ refId: '1', type: 'wait', name: 'Long wait', waitTime: 600 }] });
    expect(saved.status).toBe(201);
    await page.goto(`${ui.webUrl}/applications/shop/pipelines`);
    await page.getByRole('button', { name: 'Start manual execution of slow' }).click();
    await page.getByRole('button', { name: 'Run' }).click();
    await page.waitForURL(/\/executions\/[^/]+$/);
    const executionId = page.url().split('/').pop()!;
    await page.locator('#execution-title [data-status="RUNNING"]').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Cancel execution' }).click();
    await page.getByLabel('Reason (optional)').fill('wrong build');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel execution' }).click();
    await page.locator('#execution-title [data-status="CANCELED"]').waitFor({ timeout: 30_000 });
    const stored = await ui.stack.client.get(`/api/v1/executions/${executionId}`);
    expect(stored.body.status).toBe('CANCELED');
    expect(stored.body.cancellationReason).toBe('wrong build');
  });

  it('explains on the deliveries page why a webhook did or did not fire', async () => {
    const { page } = ui;
    const secret = 'e2e-secret';
    const repo = { type: 'git', enabled: true, source: 'github', project: 'acme', slug: 'shop', secret };
    const trigger = async (name: string, branch: string) => {
      const r = await ui.stack.client.post('/api/v1/pipelines', { application: 'shop', name, limitConcurrent: false, stages: [{ refId: '1', type: 'wait', waitTime: 0 }], triggers: [{ ...repo, branch }] });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    };
    await trigger('on-main', '^main$');
    await trigger('on-release', '^release/.*$');
    // Through the web server, as GitHub would reach a demo install: /webhooks is proxied to the API.
    const payload = Buffer.from(
      JSON.stringify({ ref: 'refs/heads/main', after: 'a'.repeat(40), before: '0'.repeat(40), deleted: false, repository: { name: 'shop', full_name: 'acme/shop', owner: { login: 'acme', name: 'acme' } }, pusher: { name: 'dev' }, head_commit: { id: 'a'.repeat(40), message: 'ship' }, commits: [] }),
    );
    const res = await fetch(`${ui.webUrl}/webhooks/git/github`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': 'e2e-delivery-1', 'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(payload).digest('hex')}` },
      body: payload,
    });
    expect(res.status, await res.clone().text()).toBe(202);
    const started = ((await res.json()) as { executions: string[] }).executions;
    expect(started).toHaveLength(1);
    await waitFor(async () => (await ui.stack.client.get('/api/v1/trigger-deliveries?application=shop')).body.items?.length > 0);

    await page.goto(`${ui.webUrl}/applications/shop/deliveries`);
    const delivery = page.getByTestId('delivery').first();
    await delivery.getByText('e2e-delivery-1').waitFor();
    await delivery.getByText('shop / on-main').waitFor();
    const skipped = delivery.locator('li', { hasText: 'did not fire' }).filter({ hasText: 'on-release' });
    await skipped.waitFor();
    expect(await skipped.textContent()).toMatch(/branch/i);
    await delivery.getByRole('link', { name: 'execution' }).click();
    await page.waitForURL(new RegExp(`/executions/${started[0]}$`));
  });
});
