import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureBuilt } from '@gennaker/testkit';
import { build } from 'vite';

const ROOT = resolve(__dirname, '../../..');

function newest(dir: string): number {
  let max = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const p = join(dir, entry.name);
    max = Math.max(max, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return max;
}

/** Builds the UI when its sources (or the libs it imports) are newer than dist/apps/web, and the api/worker bundles. */
export default async function setup(): Promise<void> {
  const index = join(ROOT, 'dist/apps/web/index.html');
  const sources = Math.max(newest(join(ROOT, 'apps/web/src')), statSync(join(ROOT, 'apps/web/index.html')).mtimeMs, newest(join(ROOT, 'libs/api-client/src')), newest(join(ROOT, 'libs/pipeline/src')));
  if (!existsSync(index) || statSync(index).mtimeMs < sources) {
    await build({ configFile: join(ROOT, 'apps/web/vite.config.ts'), logLevel: 'warn' });
  }
  await ensureBuilt();
}
