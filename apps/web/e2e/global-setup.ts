import { ensureBuilt } from '@gennaker/testkit';
import { buildWebIfStale } from './ui-stack';

/** The UI build (when stale) and the api/worker bundles, once before the browser specs. */
export default async function setup(): Promise<void> {
  buildWebIfStale();
  await ensureBuilt();
}
