import type { Page } from 'playwright-core';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startUiStack, type UiStack } from './ui-stack';

let ui: UiStack;

beforeAll(async () => {
  ui = await startUiStack({ workers: 1 });
  expect((await ui.stack.client.post('/api/v1/applications', { name: 'ops' })).status).toBe(201);
  await signIn(ui);
});

afterAll(async () => {
  await ui?.stop();
});

async function save(pipeline: Record<string, unknown>): Promise<{ id: string; version: number }> {
  const r = await ui.stack.client.post('/api/v1/pipelines', { application: 'ops', limitConcurrent: false, ...pipeline });
  expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
  return r.body;
}

async function startFromUi(name: string): Promise<string> {
  const { page } = ui;
  await page.goto(`${ui.webUrl}/applications/ops/pipelines`);
  await page.getByRole('button', { name: `Start manual execution of ${name}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Run' }).click();
  await page.waitForURL(/\/executions\/[^/]+$/);
  return page.url().split('/').pop()!;
}

const title = (page: Page, status: string) => page.locator(`#execution-title [data-status="${status}"]`).waitFor({ timeout: 30_000 });

/** Inputs, selects and text areas without an accessible name (a label, aria-label or aria-labelledby). */
async function unlabeled(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('input, select, textarea')]
      .filter((el) => (el as HTMLElement).offsetParent !== null && (el as HTMLInputElement).type !== 'hidden')
      .filter((el) => ((el as HTMLInputElement).labels?.length ?? 0) === 0 && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
      .map((el) => el.outerHTML.slice(0, 120)),
  );
}

describe('editing safely', () => {
  it('detects a conflicting save and reloads the latest version', async () => {
    const p = await save({ name: 'conflicted', stages: [{ refId: '1', type: 'wait', name: 'First', waitTime: 1 }] });
    const { page } = ui;
    await page.goto(`${ui.webUrl}/pipelines/${p.id}/edit`);
    await page.getByLabel('Pipeline name').waitFor();
    // Someone else saves meanwhile.
    const current = (await ui.stack.client.get(`/api/v1/pipelines/${p.id}`)).body;
    await save({ ...current, stages: [{ refId: '1', type: 'wait', name: 'Changed elsewhere', waitTime: 2 }] });
    await page.getByRole('button', { name: /First/ }).click();
    await page.getByLabel('Stage name').fill('Mine');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Someone else saved this pipeline meanwhile.').waitFor();
    expect((await ui.stack.client.get(`/api/v1/pipelines/${p.id}`)).body.stages[0].name).toBe('Changed elsewhere');
    await page.getByRole('button', { name: /Load the latest version/ }).click();
    await page.getByRole('button', { name: /Changed elsewhere/ }).waitFor();
  });

  it('shows a revision diff and restores it', async () => {
    const p = await save({ name: 'restorable', stages: [{ refId: '1', type: 'wait', name: 'Original', waitTime: 1 }] });
    const v1 = (await ui.stack.client.get(`/api/v1/pipelines/${p.id}`)).body;
    await save({ ...v1, stages: [{ refId: '1', type: 'wait', name: 'Edited', waitTime: 9 }] });
    const { page } = ui;
    await page.goto(`${ui.webUrl}/pipelines/${p.id}/edit`);
    await page.getByRole('button', { name: 'History' }).click();
    await page.getByRole('button', { name: /^v1 · create/ }).click();
    const diff = page.getByLabel('Diff of version 1 against the current pipeline');
    await diff.locator('.diff-removed', { hasText: '"name": "Original"' }).waitFor();
    await diff.locator('.diff-added', { hasText: '"name": "Edited"' }).waitFor();
    await page.getByRole('button', { name: 'Restore v1' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Restore' }).click();
    await page.getByText('Restored.').waitFor();
    const after = (await ui.stack.client.get(`/api/v1/pipelines/${p.id}`)).body;
    expect(after.version).toBe(3);
    expect(after.stages[0].name).toBe('Original');
    const history = (await ui.stack.client.get(`/api/v1/pipelines/${p.id}/history`)).body;
    expect(history[0].version).toBe(3);
  });

  it('shows a repo-managed pipeline read-only, saying where it lives', async () => {
    const p = await save({ name: 'from-git', stages: [{ refId: '1', type: 'wait', name: 'Only', waitTime: 1 }] });
    const db = new Client({ connectionString: ui.stack.databaseUrl });
    await db.connect();
    try {
      await db.query('UPDATE pipeline_configs SET managed_by = $1 WHERE id = $2', [JSON.stringify({ url: 'https://git.example.com/acme/ops.git', branch: 'main', path: '.gennaker', file: '.gennaker/from-git.json' }), p.id]);
    } finally {
      await db.end();
    }
    const { page } = ui;
    await page.goto(`${ui.webUrl}/pipelines/${p.id}/edit`);
    const note = page.getByRole('note');
    await note.getByText('https://git.example.com/acme/ops.git').waitFor();
    expect(await note.textContent()).toContain('.gennaker/from-git.json');
    expect(await page.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    expect(await page.getByLabel('Pipeline name').isDisabled()).toBe(true);
    await page.getByRole('button', { name: /Only/ }).click();
    expect(await page.getByLabel('Stage name').isDisabled()).toBe(true);
  });

  it('labels every control of the editor, and validates with the server when saving', async () => {
    const { page } = ui;
    await page.goto(`${ui.webUrl}/applications/ops/pipelines/new`);
    await page.getByLabel('Pipeline name').fill('labelled');
    // Every stage type this install has: its form is generated from its schema, or hand-tuned.
    const types = await page.getByLabel('New stage type').locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(types).toEqual(expect.arrayContaining(['wait', 'manualJudgment', 'webhook', 'checkPreconditions', 'pipeline', 'evaluateVariables']));
    for (const type of types) {
      await page.getByLabel('New stage type').selectOption(type);
      await page.getByRole('button', { name: /^Add stage/ }).click();
      if (type === 'deploy') await page.getByRole('button', { name: 'Add cluster' }).click();
      expect(await unlabeled(page), `controls without a label with a ${type} stage`).toEqual([]);
    }
    await page.getByRole('button', { name: /^Triggers/ }).click();
    await page.getByRole('button', { name: 'Add trigger' }).click();
    expect(await unlabeled(page)).toEqual([]);
    await page.getByRole('button', { name: /^Parameters/ }).click();
    await page.getByRole('button', { name: 'Add parameter' }).click();
    expect(await unlabeled(page)).toEqual([]);
    // The webhook has no URL: the API refuses and names the field.
    await page.getByRole('button', { name: 'Save' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Not saved' });
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/\/stages\/\d+\//);
    // Leaving with unsaved changes asks first.
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'ops' }).click();
    const leave = page.getByRole('dialog');
    await leave.getByText('Your changes to this pipeline are not saved.').waitFor();
    await leave.getByRole('button', { name: 'Cancel' }).click();
    expect(new URL(page.url()).pathname).toBe('/applications/ops/pipelines/new');
  });
});

describe('operating executions', () => {
  it('pauses and resumes, then skips a stage', async () => {
    await save({ name: 'long', stages: [{ refId: '1', type: 'wait', name: 'Long wait', waitTime: 600 }, { refId: '2', type: 'wait', name: 'After', waitTime: 0, requisiteStageRefIds: ['1'] }] });
    const id = await startFromUi('long');
    const { page } = ui;
    await title(page, 'RUNNING');
    await page.getByRole('button', { name: 'Pause' }).click();
    await title(page, 'PAUSED');
    await page.getByRole('button', { name: 'Resume' }).click();
    await title(page, 'RUNNING');
    await page.locator('[data-testid="timeline-1"]').click();
    await page.getByRole('button', { name: 'Skip stage' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Skip' }).click();
    await title(page, 'SUCCEEDED');
    const e = (await ui.stack.client.get(`/api/v1/executions/${id}`)).body;
    expect(e.stages.find((s: { refId: string }) => s.refId === '1').status).toBe('SKIPPED');
  });

  it('stops at a judgment, shows the first error, restarts the stage and continues with an input', async () => {
    await save({
      name: 'judged',
      stages: [
        { refId: '1', type: 'wait', name: 'Build', waitTime: 0 },
        { refId: '2', type: 'manualJudgment', name: 'Approve', requisiteStageRefIds: ['1'], judgmentInputs: [{ value: 'promote' }, { value: 'hold' }] },
      ],
    });
    const id = await startFromUi('judged');
    const { page } = ui;
    await page.locator('[data-testid="timeline-2"][data-status="RUNNING"]').click({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Stop' }).click();
    await title(page, 'TERMINAL');
    // Opened anew, a finished execution's stream ends at once; a restart must follow it live again.
    await page.reload();
    await page.getByRole('status', { name: 'Live updates: finished' }).waitFor();
    await page.getByTestId('first-error').getByText('Approve').waitFor();
    await page.getByTestId('first-error').getByRole('button', { name: 'Show stage' }).click();
    await page.getByRole('button', { name: 'Restart stage' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Restart' }).click();
    await page.getByRole('status', { name: 'Live updates: ● live' }).waitFor();
    await title(page, 'RUNNING');
    await page.getByLabel('Judgment input').selectOption('promote');
    await page.getByRole('button', { name: 'Continue' }).click();
    await title(page, 'SUCCEEDED');
    const e = (await ui.stack.client.get(`/api/v1/executions/${id}`)).body;
    const judge = e.stages.find((s: { refId: string }) => s.refId === '2');
    expect(judge.context.judgmentStatus).toBe('continue');
    expect(judge.context.judgmentInput).toBe('promote');
  });

  it('lists executions a page at a time, of the application or of one pipeline', async () => {
    const p = await save({ name: 'many', stages: [{ refId: '1', type: 'wait', name: 'Quick', waitTime: 0 }] });
    const ids: string[] = [];
    for (let i = 0; i < 27; i++) ids.push((await ui.stack.client.post(`/api/v1/pipelines/${p.id}/executions`, {})).body.id);
    const { page } = ui;
    await page.goto(`${ui.webUrl}/applications/ops/pipelines`);
    await page.getByRole('link', { name: 'All executions of many' }).click();
    await page.waitForURL(/\/applications\/ops\/executions\?pipelineId=/);
    const rows = page.locator('.executions .execution-row');
    await expect.poll(() => rows.count()).toBe(25);
    // Newest first: the last one started heads the list.
    expect(await rows.first().getAttribute('href')).toBe(`/executions/${ids.at(-1)}`);
    await page.getByRole('button', { name: 'Next →' }).click();
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.last().getAttribute('href')).toBe(`/executions/${ids[0]}`);
    await page.getByRole('button', { name: '← Previous' }).click();
    await expect.poll(() => rows.count()).toBe(25);
    await page.getByRole('link', { name: 'show all' }).click();
    await expect.poll(() => rows.count()).toBe(25);
  });

  it('is usable by keyboard and switches to the dark theme', async () => {
    const { page } = ui;
    await page.goto(`${ui.webUrl}/applications/ops/pipelines`);
    await page.getByRole('button', { name: 'Start manual execution of judged' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    // Focus moved into the dialog, and Escape closes it.
    expect(await page.evaluate(() => document.activeElement?.closest('dialog') !== null)).toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    // A stage of the graph is chosen with the keyboard too.
    const p = await save({ name: 'keyboard', stages: [{ refId: '1', type: 'wait', name: 'One', waitTime: 1 }, { refId: '2', type: 'wait', name: 'Two', waitTime: 1, requisiteStageRefIds: ['1'] }] });
    await page.goto(`${ui.webUrl}/pipelines/${p.id}/edit`);
    await page.getByRole('group', { name: 'Stage One', exact: true }).waitFor();
    await page.locator('.react-flow__node[data-id="2"]').focus();
    await page.keyboard.press('Enter');
    await page.getByRole('group', { name: 'Stage Two', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Switch to the dark theme' }).click();
    expect(await page.evaluate(() => document.documentElement.dataset['theme'])).toBe('dark');
    await page.reload();
    expect(await page.evaluate(() => document.documentElement.dataset['theme'])).toBe('dark');
    await page.getByRole('button', { name: 'Switch to the light theme' }).click();
  });
});
