// Bundles the Node apps with esbuild (path aliases from tsconfig; npm packages stay external).
// Usage: node tools/build/build.mjs [api worker cli]
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const all = ['api', 'worker', 'cli'];
const wanted = process.argv.slice(2).length > 0 ? process.argv.slice(2) : all;
const started = Date.now();
await Promise.all(
  wanted
    .filter((app) => existsSync(`apps/${app}/src/main.ts`))
    .map((app) =>
      build({
        entryPoints: [`apps/${app}/src/main.ts`],
        outfile: `dist/apps/${app}/main.js`,
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'cjs',
        packages: 'external',
        sourcemap: true,
        tsconfig: 'tsconfig.json',
        logLevel: 'warning',
        keepNames: true,
      }),
    ),
);
console.log(`built ${wanted.join(', ')} in ${Date.now() - started} ms`);
