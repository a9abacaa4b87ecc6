import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, Stack, waitFor, type StackOptions } from '@gennaker/testkit';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const ROOT = resolve(__dirname, '../../..');
export const CHROMIUM = process.env['GENNAKER_CHROMIUM'] ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

function newest(dir: string): number {
  let max = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const p = join(dir, entry.name);
    max = Math.max(max, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return max;
}

/**
 * Builds the UI (npm run build:web) when its sources, or the libs it imports, are newer than
 * dist/apps/web. In a child process: Vite is ESM-only in places, and this runs under vitest and tsx.
 */
export function buildWebIfStale(force = false): void {
  const index = join(ROOT, 'dist/apps/web/index.html');
  const sources = Math.max(
    newest(join(ROOT, 'apps/web/src')),
    statSync(join(ROOT, 'apps/web/index.html')).mtimeMs,
    statSync(join(ROOT, 'apps/web/vite.config.ts')).mtimeMs,
    newest(join(ROOT, 'libs/api-client/src')),
    newest(join(ROOT, 'libs/pipeline/src')),
    newest(join(ROOT, 'libs/common/src')),
  );
  if (!force && existsSync(index) && statSync(index).mtimeMs >= sources && !readFileSync(index, 'utf8').includes('jsx-dev-runtime')) return;
  execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', join(ROOT, 'apps/web/vite.config.ts'), '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
    // Always the production build, as the demo serves it: vitest runs with NODE_ENV=test, which
    // would otherwise give React's development build.
    env: { ...process.env, NODE_ENV: 'production', VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
  });
}

export interface UiStack {
  stack: Stack;
  webUrl: string;
  token: string;
  context: BrowserContext;
  page: Page;
  logs(): string;
  stop(): Promise<void>;
}

/** Starts the web server of apps/web (the same server.mjs the demo runs) in front of an api. */
export async function startWebServer(apiUrl: string): Promise<{ url: string; proc: ChildProcess; output: string[] }> {
  const port = await freePort();
  const output: string[] = [];
  const proc = spawn(process.execPath, [join(ROOT, 'apps/web/server.mjs')], {
    env: { ...process.env, GENNAKER_WEB_PORT: String(port), GENNAKER_WEB_HOST: '127.0.0.1', GENNAKER_API_URL: apiUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout?.on('data', (c: Buffer) => output.push(c.toString()));
  proc.stderr?.on('data', (c: Buffer) => output.push(c.toString()));
  await waitFor(
    () => {
      if (proc.exitCode !== null) throw new Error(`web server exited: ${output.join('')}`);
      return output.join('').includes('listening on');
    },
    { timeoutMs: 20_000, message: 'the web server to listen' },
  );
  return { url: `http://127.0.0.1:${port}`, proc, output };
}

/** Debian's Chromium in a fresh profile (a temp --user-data-dir), headless. */
export async function launchChromium(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'gennaker-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1440, height: 900 } });
  return {
    context,
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A stack (api + workers on a throwaway database), the web server in front of it, and a signed-in browser page. */
export async function startUiStack(options: StackOptions = {}): Promise<UiStack> {
  const token = `e2e-${Math.random().toString(36).slice(2)}`;
  const stack = await Stack.start({ ...options, env: { GENNAKER_ADMIN_TOKEN: token, ...options.env } });
  let web: Awaited<ReturnType<typeof startWebServer>> | null = null;
  let browser: Awaited<ReturnType<typeof launchChromium>> | null = null;
  try {
    web = await startWebServer(stack.apiUrl);
    browser = await launchChromium();
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.setDefaultTimeout(20_000);
    const w = web;
    const b = browser;
    return {
      stack,
      webUrl: web.url,
      token,
      context: browser.context,
      page,
      logs: () => `${stack.logs()}\n--- web ---\n${w.output.join('').slice(-2000)}`,
      stop: async () => {
        await b.close();
        w.proc.kill('SIGTERM');
        await stack.stop();
      },
    };
  } catch (err) {
    await browser?.close();
    web?.proc.kill('SIGTERM');
    await stack.stop();
    throw err;
  }
}

/** Signs in through the sign-in page, as a person would. */
export async function signIn(ui: UiStack, path = '/applications'): Promise<void> {
  const { page } = ui;
  await page.goto(`${ui.webUrl}${path}`);
  await page.getByLabel('API token').fill(ui.token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
}
