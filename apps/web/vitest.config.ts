import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// The UI's own tests (npm run test:e2e): unit specs of its pure helpers, then browser specs that
// start a real stack and drive the built UI in Debian's Chromium.
const ROOT = resolve(__dirname, '../..');
const alias = readdirSync(resolve(ROOT, 'libs')).flatMap((lib) => [
  { find: new RegExp(`^@gennaker/${lib}/testing$`), replacement: resolve(ROOT, 'libs', lib, 'src/testing/index.ts') },
  { find: new RegExp(`^@gennaker/${lib}$`), replacement: resolve(ROOT, 'libs', lib, 'src/index.ts') },
]);

export default defineConfig({
  root: ROOT,
  resolve: { alias },
  test: {
    projects: [
      { resolve: { alias }, test: { name: 'web-unit', root: ROOT, include: ['apps/web/src/**/*.spec.ts'], environment: 'node' } },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          root: ROOT,
          include: ['apps/web/e2e/**/*.e2e.ts'],
          environment: 'node',
          pool: 'forks',
          // 2 cores: each file starts an api, a worker, the web server and a browser.
          maxWorkers: 1,
          fileParallelism: false,
          globalSetup: ['apps/web/e2e/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
