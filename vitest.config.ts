import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// Every lib is importable as @gennaker/<folder> (and its test helpers as @gennaker/<folder>/testing),
// as in tsconfig.base.json.
const alias = readdirSync(resolve(__dirname, 'libs')).flatMap((lib) => [
  { find: new RegExp(`^@gennaker/${lib}/testing$`), replacement: resolve(__dirname, 'libs', lib, 'src/testing/index.ts') },
  { find: new RegExp(`^@gennaker/${lib}$`), replacement: resolve(__dirname, 'libs', lib, 'src/index.ts') },
]);

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['{apps,libs,tools}/**/*.spec.ts'],
          exclude: ['**/node_modules/**', 'apps/web/**'],
          environment: 'node',
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'int',
          include: ['{apps,libs,tools}/**/*.int-spec.ts'],
          exclude: ['**/node_modules/**'],
          environment: 'node',
          pool: 'forks',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // 2 cores: the integration files each start real processes.
          maxWorkers: 2,
        },
      },
    ],
  },
});
