import { existsSync } from 'node:fs';
import { ensureBuilt } from '@gennaker/testkit';
import { buildWebIfStale, CHROMIUM } from './ui-stack';

/** The UI build (when stale) and the api/worker bundles, once before the browser specs. */
export default async function setup(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (Debian's), or set GENNAKER_CHROMIUM`);
  buildWebIfStale();
  await ensureBuilt();
}
